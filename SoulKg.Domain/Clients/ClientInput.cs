using FluentValidation;

namespace SoulKg.Domain.Clients;

/// <summary>What a person (or the API, an import, an agent) may set on a client.</summary>
public sealed record ClientInput
{
    public string Name { get; init; } = "";
    public IReadOnlyList<string> Phones { get; init; } = [];
    public string? WhatsAppLid { get; init; }
    public string? Email { get; init; }
    public string? Telegram { get; init; }
    public string Language { get; init; } = Languages.Russian;
    public string? Country { get; init; }
    public string? City { get; init; }
    public ClientSource Source { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public string? Notes { get; init; }
    public Guid? ResponsibleUserId { get; init; }
    public bool ConsentToContact { get; init; } = true;
}

public sealed class ClientInputValidator : AbstractValidator<ClientInput>
{
    public ClientInputValidator()
    {
        RuleFor(c => c.Name).NotEmpty().WithMessage("Укажите имя клиента.").MaximumLength(200).WithMessage("Имя — не длиннее 200 символов.");
        RuleFor(c => c.Phones).Must(p => p.Count <= 10).WithMessage("Не больше 10 телефонов.");
        RuleForEach(c => c.Phones)
            .Must(p => Phones.TryNormalize(p, out _))
            .WithMessage((_, phone) => $"Телефон «{phone}» не похож на настоящий номер (пример: +996 555 123 456).");
        RuleFor(c => c.Phones).Must(p => p.Select(Phones.Normalize).Distinct().Count() == p.Count)
            .WithMessage("Один и тот же телефон указан дважды.").When(c => c.Phones.All(p => Phones.TryNormalize(p, out _)));
        RuleFor(c => c.WhatsAppLid).Matches(@"^\d{5,20}@lid$").WithMessage("Linked id WhatsApp выглядит как 123456789012345@lid.")
            .When(c => !string.IsNullOrEmpty(c.WhatsAppLid));
        RuleFor(c => c.Email).MaximumLength(256).EmailAddress().WithMessage("E-mail указан неверно.").When(c => !string.IsNullOrEmpty(c.Email));
        RuleFor(c => c.Telegram).MaximumLength(64).Matches(@"^@?[A-Za-z0-9_]{3,64}$").WithMessage("Telegram: имя пользователя из латинских букв, цифр и _.")
            .When(c => !string.IsNullOrEmpty(c.Telegram));
        RuleFor(c => c.Language).Must(Languages.IsKnown).WithMessage("Язык: ru, en или ky.");
        RuleFor(c => c.Country).MaximumLength(100).WithMessage("Страна — не длиннее 100 символов.");
        RuleFor(c => c.City).MaximumLength(100).WithMessage("Город — не длиннее 100 символов.");
        RuleFor(c => c.Source).IsInEnum().WithMessage("Неизвестный источник.");
        RuleFor(c => c.Tags).Must(t => t.Count <= 20).WithMessage("Не больше 20 тегов.");
        RuleForEach(c => c.Tags).NotEmpty().WithMessage("Пустой тег.").MaximumLength(50).WithMessage("Тег — не длиннее 50 символов.");
        RuleFor(c => c.Notes).MaximumLength(10_000).WithMessage("Заметка — не длиннее 10 000 символов.");
    }
}
