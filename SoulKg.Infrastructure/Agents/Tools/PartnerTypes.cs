using SoulKg.Domain.Partners;
using SoulKg.Infrastructure.Crm;

namespace SoulKg.Infrastructure.Agents.Tools;

/// <summary>The partners an agent may ask, by the words a model (or a client) uses for them, and what a partner needs to know first.</summary>
public static class PartnerTypes
{
    public const string MissingTour = "tour";
    public const string MissingDates = "dates";
    public const string MissingGroup = "group";

    public static PartnerType Parse(string? type) => type?.Trim().ToLowerInvariant() switch
    {
        "guide" => PartnerType.Guide,
        "accommodation" or "hotel" or "camp" or "yurt_camp" or "guesthouse" => PartnerType.Accommodation,
        "transport" or "driver" or "transfer" => PartnerType.Transport,
        _ => throw new ArgumentException("partner_type must be Guide, Accommodation or Transport."),
    };

    /// <summary>
    /// A card without a tour, real dates (a month at least; "летом" is not enough to book a guide) or a group would make
    /// the partner ask us back, so the agent asks the client instead.
    /// </summary>
    public static IReadOnlyList<string> MissingForPartner(DealDetails deal)
    {
        var missing = new List<string>();
        if (deal.TourIds.Count == 0)
        {
            missing.Add(MissingTour);
        }

        if (deal.Travel.From is null && deal.Travel.Month is null)
        {
            missing.Add(MissingDates);
        }

        if (deal.Adults + deal.Children == 0)
        {
            missing.Add(MissingGroup);
        }

        return missing;
    }

    public static string Ru(PartnerType type) => type switch
    {
        PartnerType.Guide => "гид",
        PartnerType.Accommodation => "размещение",
        PartnerType.Transport => "транспорт",
        _ => type.ToString(),
    };
}
