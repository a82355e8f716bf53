using FluentValidation;
using SoulKg.Domain.Clients;

namespace SoulKg.Domain.Funnel;

/// <summary>The trip request fields of a deal.</summary>
public sealed record DealInput
{
    public Guid ClientId { get; init; }

    /// <summary>Where a new deal starts; the first stage when empty. Ignored on update: moves go through the stage service.</summary>
    public Guid? StageId { get; init; }
    public string? Title { get; init; }
    public IReadOnlyList<Guid> TourIds { get; init; } = [];
    public DateOnly? TravelFrom { get; init; }
    public DateOnly? TravelTo { get; init; }
    public int? TravelMonth { get; init; }
    public int? TravelYear { get; init; }
    public string? TravelText { get; init; }
    public int Adults { get; init; }
    public int Children { get; init; }
    public decimal? BudgetAmount { get; init; }
    public string? BudgetCurrency { get; init; }
    public string? Wishes { get; init; }
    public string? Accommodation { get; init; }
    public string? PickupCity { get; init; }
    public string? Region { get; init; }
    public ClientSource Source { get; init; }
    public Guid? ResponsibleUserId { get; init; }
    public decimal? ValueAmount { get; init; }
    public string? ValueCurrency { get; init; }
    public DateOnly? ExpectedCloseDate { get; init; }
}

public sealed class DealInputValidator : AbstractValidator<DealInput>
{
    public DealInputValidator()
    {
        RuleFor(d => d.ClientId).NotEmpty().WithMessage("Укажите клиента.");
        RuleFor(d => d.Title).MaximumLength(200).WithMessage("Название — не длиннее 200 символов.");
        RuleFor(d => d.TourIds).Must(t => t.Count <= 10).WithMessage("Не больше 10 туров в одной заявке.");
        RuleFor(d => d.Adults).InclusiveBetween(0, 500).WithMessage("Взрослых: от 0 до 500.");
        RuleFor(d => d.Children).InclusiveBetween(0, 500).WithMessage("Детей: от 0 до 500.");
        RuleFor(d => d.TravelTo).GreaterThanOrEqualTo(d => d.TravelFrom).WithMessage("Дата окончания раньше даты начала.")
            .When(d => d.TravelFrom is not null && d.TravelTo is not null);
        RuleFor(d => d.TravelMonth).InclusiveBetween(1, 12).WithMessage("Месяц: от 1 до 12.").When(d => d.TravelMonth is not null);
        RuleFor(d => d.TravelYear).InclusiveBetween(2000, 2100).WithMessage("Год: от 2000 до 2100.").When(d => d.TravelYear is not null);
        RuleFor(d => d.TravelText).MaximumLength(100).WithMessage("Сроки — не длиннее 100 символов.");
        RuleFor(d => d.BudgetAmount).GreaterThanOrEqualTo(0).WithMessage("Бюджет не может быть отрицательным.");
        RuleFor(d => d.BudgetCurrency).NotEmpty().WithMessage("Укажите валюту бюджета: KGS или USD.").When(d => d.BudgetAmount is not null);
        RuleFor(d => d.BudgetCurrency).Must(Money.IsKnownCurrency).WithMessage("Валюта: KGS или USD.").When(d => !string.IsNullOrEmpty(d.BudgetCurrency));
        RuleFor(d => d.ValueAmount).GreaterThanOrEqualTo(0).WithMessage("Сумма сделки не может быть отрицательной.");
        RuleFor(d => d.ValueCurrency).NotEmpty().WithMessage("Укажите валюту суммы: KGS или USD.").When(d => d.ValueAmount is not null);
        RuleFor(d => d.ValueCurrency).Must(Money.IsKnownCurrency).WithMessage("Валюта: KGS или USD.").When(d => !string.IsNullOrEmpty(d.ValueCurrency));
        RuleFor(d => d.Wishes).MaximumLength(4000).WithMessage("Пожелания — не длиннее 4000 символов.");
        RuleFor(d => d.Accommodation).MaximumLength(500).WithMessage("Размещение — не длиннее 500 символов.");
        RuleFor(d => d.PickupCity).MaximumLength(100).WithMessage("Город — не длиннее 100 символов.");
        RuleFor(d => d.Region).MaximumLength(100).WithMessage("Регион — не длиннее 100 символов.");
        RuleFor(d => d.Source).IsInEnum().WithMessage("Неизвестный источник.");
    }
}

public sealed record MoveDealInput(Guid StageId, string? Reason);

public sealed class MoveDealInputValidator : AbstractValidator<MoveDealInput>
{
    public MoveDealInputValidator()
    {
        RuleFor(m => m.StageId).NotEmpty().WithMessage("Укажите этап.");
        RuleFor(m => m.Reason).MaximumLength(500).WithMessage("Причина — не длиннее 500 символов.");
    }
}

public sealed record CloseLostInput(Guid LostReasonId, string? Note);

public sealed class CloseLostInputValidator : AbstractValidator<CloseLostInput>
{
    public CloseLostInputValidator()
    {
        RuleFor(m => m.LostReasonId).NotEmpty().WithMessage("Укажите причину отказа.");
        RuleFor(m => m.Note).MaximumLength(500).WithMessage("Комментарий — не длиннее 500 символов.");
    }
}

public sealed record StageInput(string Name, string Color, int StaleAfterDays = 7);

public sealed class StageInputValidator : AbstractValidator<StageInput>
{
    public StageInputValidator()
    {
        RuleFor(s => s.Name).NotEmpty().WithMessage("Укажите название этапа.").MaximumLength(60).WithMessage("Название — не длиннее 60 символов.");
        RuleFor(s => s.Color).Matches("^#[0-9A-Fa-f]{6}$").WithMessage("Цвет в формате #RRGGBB.");
        RuleFor(s => s.StaleAfterDays).InclusiveBetween(1, 365).WithMessage("Срок: от 1 до 365 дней.");
    }
}
