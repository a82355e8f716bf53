using System.Text.Json;
using System.Text.Json.Serialization;

namespace SoulKg.Infrastructure.Realtime;

/// <summary>
/// One committed change to a row the screens show (a deal, a client…), as published by the database trigger
/// <c>app_publish_change</c>: per organisation, <see cref="Seq"/> grows by one with every change, in commit order.
/// </summary>
public sealed record ChangeEvent(
    [property: JsonPropertyName("o")] Guid OrgId,
    [property: JsonPropertyName("s")] long Seq,
    [property: JsonPropertyName("e")] string Entity,
    [property: JsonPropertyName("i")] Guid EntityId,
    [property: JsonPropertyName("k")] string Kind,
    [property: JsonPropertyName("d")] JsonElement? Data)
{
    public const string Channel = "soulkg_changes";

    public bool IsDeleted => Kind == "D";

    public string? DataString(string name) =>
        Data is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public Guid? DataGuid(string name) => Guid.TryParse(DataString(name), out var id) ? id : null;

    public static ChangeEvent? Parse(string payload)
    {
        try
        {
            return JsonSerializer.Deserialize<ChangeEvent>(payload);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Tells subscribers of every organisation to re-read: the listener lost its connection and may have missed changes.</summary>
public sealed record ResyncSignal(DateTimeOffset At);
