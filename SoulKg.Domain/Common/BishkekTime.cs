namespace SoulKg.Domain;

/// <summary>Our users live in Asia/Bishkek (UTC+6, no daylight saving); the database keeps UTC.</summary>
public static class BishkekTime
{
    public const string ZoneId = "Asia/Bishkek";

    public static TimeZoneInfo Zone { get; } = Find();

    public static DateTimeOffset ToLocal(DateTimeOffset utc) => TimeZoneInfo.ConvertTime(utc, Zone);

    private static TimeZoneInfo Find()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(ZoneId);
        }
        catch (TimeZoneNotFoundException)
        {
            // Containers without tzdata: Kyrgyzstan has kept UTC+6 all year since 2005.
            return TimeZoneInfo.CreateCustomTimeZone(ZoneId, TimeSpan.FromHours(6), ZoneId, ZoneId);
        }
    }
}
