using FluentValidation;

namespace SoulKg.Domain.FollowUps;

public sealed record FollowUpSettingsInput(int QuietClientHours, int BeforeTripDays, int? AutoReturnAfterHours);

public sealed class FollowUpSettingsInputValidator : AbstractValidator<FollowUpSettingsInput>
{
    public FollowUpSettingsInputValidator()
    {
        RuleFor(s => s.QuietClientHours).InclusiveBetween(1, 720).WithMessage("Тишина клиента: от 1 до 720 часов.");
        RuleFor(s => s.BeforeTripDays).InclusiveBetween(1, 60).WithMessage("Напоминание перед поездкой: от 1 до 60 дней.");
        RuleFor(s => s.AutoReturnAfterHours).InclusiveBetween(1, 168).When(s => s.AutoReturnAfterHours is not null)
            .WithMessage("Возврат агенту: от 1 до 168 часов, или выключен.");
    }
}
