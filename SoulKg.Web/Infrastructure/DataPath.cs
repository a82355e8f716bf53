namespace SoulKg.Web.Infrastructure;

/// <summary>The app's own folder for keys, WhatsApp browser profiles and uploads: <c>SoulKg:DataPath</c>.</summary>
public static class DataPath
{
    public static string Get(IConfiguration configuration) =>
        Path.GetFullPath(configuration["SoulKg:DataPath"] is { Length: > 0 } configured
            ? configured
            : Path.Combine(AppContext.BaseDirectory, "data"));
}
