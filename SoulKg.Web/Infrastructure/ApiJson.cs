using System.Text.Json.Serialization;

namespace SoulKg.Web.Infrastructure;

public static class ApiJson
{
    /// <summary>
    /// Enums travel by name (<c>"WhatsApp"</c>, not <c>1</c>): readable in logs and scripts, the same spelling the query
    /// string filters take, and safe if members are ever reordered.
    /// </summary>
    public static IServiceCollection AddSoulKgApiJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
}
