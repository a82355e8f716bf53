using FluentValidation;

namespace SoulKg.Domain.Agents;

/// <summary>The CRM functions an agent may call; an agent's settings enable a subset.</summary>
public static class AgentTools
{
    public const string ReadContext = "read_context";
    public const string UpdateTripRequest = "update_trip_request";
    public const string SearchTours = "search_tours";
    public const string ProposeTour = "propose_tour";
    public const string MoveStage = "move_stage";
    public const string ScheduleFollowUp = "schedule_follow_up";
    public const string CancelFollowUp = "cancel_follow_up";
    public const string HandOff = "hand_off";
    public const string AddNote = "add_note";
    public const string AskPartner = "ask_partner";

    public static IReadOnlyList<string> All { get; } =
        [ReadContext, UpdateTripRequest, SearchTours, ProposeTour, MoveStage, ScheduleFollowUp, CancelFollowUp, HandOff, AddNote, AskPartner];
}

/// <summary>The model providers an agent can use: the built-in offline model, or a named OpenAI-compatible endpoint from configuration.</summary>
public static class AgentProviders
{
    public const string Offline = "offline";
}

/// <summary>
/// Everything an organisation sets for one agent. Immutable: every save stores a whole new version, so any version can
/// be shown, compared and restored.
/// </summary>
public sealed record AgentSettings
{
    public required string Name { get; init; }
    public bool IsActive { get; init; } = true;
    public string Provider { get; init; } = AgentProviders.Offline;
    public string Model { get; init; } = "soulkg-offline-1";
    public double Temperature { get; init; } = 0.2;
    public int MaxTokens { get; init; } = 800;
    public required string PromptRu { get; init; }
    public required string PromptEn { get; init; }
    public IReadOnlyList<string> Tools { get; init; } = AgentTools.All;

    /// <summary>How many of the latest messages of the chat the model sees.</summary>
    public int MemoryWindow { get; init; } = 20;

    /// <summary>Asia/Bishkek time from which the agent sends nothing of its own accord (follow-ups wait until <see cref="QuietTo"/>).</summary>
    public TimeOnly? QuietFrom { get; init; } = new(22, 0);
    public TimeOnly? QuietTo { get; init; } = new(8, 0);

    public bool Allows(string tool) => Tools.Contains(tool);

    public string PromptFor(string language) => language == Languages.English ? PromptEn : PromptRu;

    /// <summary>Moves a moment that falls in the quiet hours (Asia/Bishkek) to their end.</summary>
    public DateTimeOffset OutsideQuietHours(DateTimeOffset at)
    {
        if (QuietFrom is not { } from || QuietTo is not { } to || from == to)
        {
            return at;
        }

        var local = BishkekTime.ToLocal(at);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var quiet = from < to ? time >= from && time < to : time >= from || time < to;
        if (!quiet)
        {
            return at;
        }

        var endDate = DateOnly.FromDateTime(local.DateTime);
        if (from > to && time >= from)
        {
            endDate = endDate.AddDays(1);
        }

        var end = new DateTimeOffset(endDate.ToDateTime(to), local.Offset);
        return end.ToUniversalTime();
    }

    /// <summary>Field-by-field differences from <paramref name="before"/>, for the version history.</summary>
    public IReadOnlyList<AgentSettingChange> DiffFrom(AgentSettings? before)
    {
        var changes = new List<AgentSettingChange>();
        void Add(string field, string? old, string? now)
        {
            if (!string.Equals(old, now, StringComparison.Ordinal))
            {
                changes.Add(new AgentSettingChange(field, old, now));
            }
        }

        Add(nameof(Name), before?.Name, Name);
        Add(nameof(IsActive), before?.IsActive.ToString(), IsActive.ToString());
        Add(nameof(Provider), before?.Provider, Provider);
        Add(nameof(Model), before?.Model, Model);
        Add(nameof(Temperature), before?.Temperature.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Temperature.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(nameof(MaxTokens), before?.MaxTokens.ToString(System.Globalization.CultureInfo.InvariantCulture),
            MaxTokens.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(nameof(PromptRu), before?.PromptRu, PromptRu);
        Add(nameof(PromptEn), before?.PromptEn, PromptEn);
        Add(nameof(Tools), before is null ? null : string.Join(", ", before.Tools), string.Join(", ", Tools));
        Add(nameof(MemoryWindow), before?.MemoryWindow.ToString(System.Globalization.CultureInfo.InvariantCulture),
            MemoryWindow.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(nameof(QuietFrom), before?.QuietFrom?.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
            QuietFrom?.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        Add(nameof(QuietTo), before?.QuietTo?.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
            QuietTo?.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        return changes;
    }
}

public sealed record AgentSettingChange(string Field, string? Old, string? New);

public sealed class AgentSettingsValidator : AbstractValidator<AgentSettings>
{
    public AgentSettingsValidator()
    {
        RuleFor(s => s.Name).NotEmpty().WithMessage("Укажите имя агента.").MaximumLength(60).WithMessage("Имя — не длиннее 60 символов.");
        RuleFor(s => s.Provider).NotEmpty().WithMessage("Укажите провайдера модели.").MaximumLength(40).WithMessage("Провайдер — не длиннее 40 символов.")
            .Matches("^[a-zA-Z0-9_-]+$").WithMessage("Провайдер: латинские буквы, цифры, - и _.");
        RuleFor(s => s.Model).NotEmpty().WithMessage("Укажите модель.").MaximumLength(100).WithMessage("Модель — не длиннее 100 символов.");
        RuleFor(s => s.Temperature).InclusiveBetween(0, 2).WithMessage("Температура: от 0 до 2.");
        RuleFor(s => s.MaxTokens).InclusiveBetween(16, 8192).WithMessage("Максимум токенов: от 16 до 8192.");
        RuleFor(s => s.PromptRu).NotEmpty().WithMessage("Напишите промпт на русском.").MaximumLength(8000).WithMessage("Промпт — не длиннее 8000 символов.");
        RuleFor(s => s.PromptEn).NotEmpty().WithMessage("Напишите промпт на английском.").MaximumLength(8000).WithMessage("Промпт — не длиннее 8000 символов.");
        RuleFor(s => s.Tools).NotNull().Must(t => t.All(AgentTools.All.Contains)).WithMessage("Неизвестный инструмент.")
            .Must(t => t.Distinct().Count() == t.Count).WithMessage("Инструмент указан дважды.");
        RuleFor(s => s.MemoryWindow).InclusiveBetween(1, 100).WithMessage("Память: от 1 до 100 сообщений.");
        RuleFor(s => s.QuietTo).NotNull().When(s => s.QuietFrom is not null).WithMessage("Укажите конец тихих часов.");
        RuleFor(s => s.QuietFrom).NotNull().When(s => s.QuietTo is not null).WithMessage("Укажите начало тихих часов.");
    }
}
