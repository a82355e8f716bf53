using System.Globalization;
using SoulKg.Domain.Agents;
using SoulKg.Infrastructure.Agents;

namespace SoulKg.Web.Features.Agents;

/// <summary>The editable copy of an agent's settings behind the form; <see cref="ToSettings"/> gives the record to save.</summary>
public sealed class AgentForm
{
    public string Name { get; set; } = "";
    public bool IsActive { get; set; }
    public string Provider { get; set; } = AgentProviders.Offline;
    public string Model { get; set; } = "";
    public double Temperature { get; set; }
    public int MaxTokens { get; set; }
    public string PromptRu { get; set; } = "";
    public string PromptEn { get; set; } = "";
    public HashSet<string> Tools { get; set; } = [];
    public int MemoryWindow { get; set; }
    public string QuietFrom { get; set; } = "";
    public string QuietTo { get; set; } = "";
    public string? Comment { get; set; }

    public static AgentForm From(AgentSettings s) => new()
    {
        Name = s.Name, IsActive = s.IsActive, Provider = s.Provider, Model = s.Model, Temperature = s.Temperature, MaxTokens = s.MaxTokens,
        PromptRu = s.PromptRu, PromptEn = s.PromptEn, Tools = [.. s.Tools], MemoryWindow = s.MemoryWindow,
        QuietFrom = s.QuietFrom?.ToString("HH:mm", CultureInfo.InvariantCulture) ?? "", QuietTo = s.QuietTo?.ToString("HH:mm", CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Null with the field and message when a time is not HH:mm.</summary>
    public (AgentSettings? Settings, string? Field, string? Error) ToSettings()
    {
        if (!TryTime(QuietFrom, out var from))
        {
            return (null, nameof(QuietFrom), "Время в формате ЧЧ:ММ, например 22:00.");
        }

        if (!TryTime(QuietTo, out var to))
        {
            return (null, nameof(QuietTo), "Время в формате ЧЧ:ММ, например 08:00.");
        }

        return (new AgentSettings
        {
            Name = Name.Trim(), IsActive = IsActive, Provider = Provider.Trim(), Model = Model.Trim(), Temperature = Temperature, MaxTokens = MaxTokens,
            PromptRu = PromptRu, PromptEn = PromptEn, Tools = AgentTools.All.Where(Tools.Contains).ToList(), MemoryWindow = MemoryWindow,
            QuietFrom = from, QuietTo = to,
        }, null, null);
    }

    private static bool TryTime(string text, out TimeOnly? time)
    {
        time = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (TimeOnly.TryParseExact(text.Trim(), "H:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            time = parsed;
            return true;
        }

        return false;
    }

    /// <summary>"Агент: …" lines are the agent's, every other non-empty line is the client's.</summary>
    public static IReadOnlyList<TrialLine> ParseDialogue(string text) =>
        text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.StartsWith("Агент:", StringComparison.OrdinalIgnoreCase) || line.StartsWith("Agent:", StringComparison.OrdinalIgnoreCase)
                ? new TrialLine("agent", line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())
                : new TrialLine("client", line.StartsWith("Клиент:", StringComparison.OrdinalIgnoreCase) || line.StartsWith("Client:", StringComparison.OrdinalIgnoreCase)
                    ? line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()
                    : line))
            .ToList();
}
