using FluentValidation;

namespace SoulKg.Domain.Handoffs;

/// <summary>Send a deal to one or more partners. Card fields left empty are filled from the deal.</summary>
public sealed record HandoffInput
{
    public Guid DealId { get; init; }
    public IReadOnlyList<Guid> PartnerIds { get; init; } = [];
    public string? Notes { get; init; }
    public string? Pickup { get; init; }
}

public sealed class HandoffInputValidator : AbstractValidator<HandoffInput>
{
    public HandoffInputValidator()
    {
        RuleFor(h => h.DealId).NotEmpty().WithMessage("Укажите сделку.");
        RuleFor(h => h.PartnerIds).NotEmpty().WithMessage("Выберите хотя бы одного партнёра.")
            .Must(ids => ids.Count <= 10).WithMessage("Не больше 10 партнёров за раз.")
            .Must(ids => ids.Distinct().Count() == ids.Count).WithMessage("Партнёр выбран дважды.");
        RuleForEach(h => h.PartnerIds).NotEmpty().WithMessage("Пустой идентификатор партнёра.");
        RuleFor(h => h.Notes).MaximumLength(1000).WithMessage("Примечания — не длиннее 1000 символов.");
        RuleFor(h => h.Pickup).MaximumLength(200).WithMessage("Место встречи — не длиннее 200 символов.");
    }
}

/// <summary>The partner's answer through the one-time link.</summary>
public sealed record HandoffAnswerInput
{
    public string? Reason { get; init; }
}

public sealed class HandoffAnswerInputValidator : AbstractValidator<HandoffAnswerInput>
{
    public HandoffAnswerInputValidator() =>
        RuleFor(a => a.Reason).MaximumLength(500).WithMessage("Причина — не длиннее 500 символов.");
}

public sealed record HandoffSettingsInput
{
    public int SlaMinutes { get; init; } = 120;
    public int ReminderMinutes { get; init; } = 60;
    public HandoffEscalation Escalation { get; init; }
    public bool RevealPhoneOnAccept { get; init; } = true;
}

public sealed class HandoffSettingsInputValidator : AbstractValidator<HandoffSettingsInput>
{
    public HandoffSettingsInputValidator()
    {
        RuleFor(s => s.SlaMinutes).InclusiveBetween(5, 7 * 24 * 60).WithMessage("Срок ответа: от 5 минут до 7 дней.");
        RuleFor(s => s.ReminderMinutes).GreaterThanOrEqualTo(0).WithMessage("Напоминание: 0 (без него) или больше.")
            .LessThan(s => s.SlaMinutes).WithMessage("Напоминание должно прийти раньше, чем истечёт срок ответа.");
        RuleFor(s => s.Escalation).IsInEnum().WithMessage("Неизвестное действие по истечении срока.");
    }
}
