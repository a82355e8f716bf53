using SoulKg.Domain.Auditing;
using SoulKg.Domain.Tenancy;

namespace SoulKg.Domain.Funnel;

/// <summary>What a stage means to the system (which agent works it), whatever the organisation calls it.</summary>
public enum StageKind
{
    Custom = 0,
    NewLead = 1,
    Qualification = 2,
    Warming = 3,
    Proposal = 4,
    Negotiation = 5,
    Sale = 6,
    Service = 7,
    Feedback = 8,
    RepeatSale = 9,
}

public sealed class FunnelStage : IOrgOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public required string Name { get; set; }
    public string Color { get; set; } = "#607D8B";
    public int Order { get; set; }
    public StageKind Kind { get; set; }

    /// <summary>Archived stages keep their history but take no new deals.</summary>
    public bool IsArchived { get; set; }

    /// <summary>Days in this stage after which a card is flagged as stale.</summary>
    public int StaleAfterDays { get; set; } = 7;

    public static IReadOnlyList<(StageKind Kind, string Name, string Color)> Defaults { get; } =
    [
        (StageKind.NewLead, "Новый лид", "#90A4AE"),
        (StageKind.Qualification, "Квалификация", "#4FC3F7"),
        (StageKind.Warming, "Прогрев", "#FFB74D"),
        (StageKind.Proposal, "Предложение", "#BA68C8"),
        (StageKind.Negotiation, "Переговоры", "#7986CB"),
        (StageKind.Sale, "Продажа", "#66BB6A"),
        (StageKind.Service, "Сервис", "#26A69A"),
        (StageKind.Feedback, "Обратная связь", "#FFD54F"),
        (StageKind.RepeatSale, "Повторная продажа", "#EF5350"),
    ];
}

public sealed class LostReason : IOrgOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public required string Name { get; set; }
    public int Order { get; set; }
    public bool IsArchived { get; set; }

    public static IReadOnlyList<string> Defaults { get; } =
    [
        "Дорого", "Выбрали другого оператора", "Не подошли даты", "Передумали ехать", "Не отвечает", "Другое",
    ];
}
