using FluentValidation;

namespace SoulKg.Domain.Partners;

public sealed record PartnerInput
{
    public PartnerType Type { get; init; }
    public string Name { get; init; } = "";
    public string? ContactPerson { get; init; }
    public string? WhatsAppPhone { get; init; }
    public IReadOnlyList<string> Regions { get; init; } = [];
    public IReadOnlyList<string> Languages { get; init; } = [];
    public string? Rates { get; init; }
    public string? Notes { get; init; }
    public decimal? Rating { get; init; }
    public bool IsActive { get; init; } = true;
}

public sealed class PartnerInputValidator : AbstractValidator<PartnerInput>
{
    public PartnerInputValidator()
    {
        RuleFor(p => p.Type).IsInEnum().WithMessage("Неизвестный тип партнёра.");
        RuleFor(p => p.Name).NotEmpty().WithMessage("Укажите название партнёра.").MaximumLength(200).WithMessage("Название — не длиннее 200 символов.");
        RuleFor(p => p.ContactPerson).MaximumLength(200).WithMessage("Контактное лицо — не длиннее 200 символов.");
        RuleFor(p => p.WhatsAppPhone).Must(p => Phones.TryNormalize(p, out _))
            .WithMessage(p => $"Телефон «{p.WhatsAppPhone}» не похож на настоящий номер (пример: +996 555 123 456).")
            .When(p => !string.IsNullOrEmpty(p.WhatsAppPhone));
        RuleForEach(p => p.Regions).NotEmpty().MaximumLength(100).WithMessage("Регион — не длиннее 100 символов.");
        RuleForEach(p => p.Languages).Must(SoulKg.Domain.Languages.IsKnown).WithMessage("Язык: ru, en или ky.");
        RuleFor(p => p.Rates).MaximumLength(4000).WithMessage("Тарифы — не длиннее 4000 символов.");
        RuleFor(p => p.Notes).MaximumLength(4000).WithMessage("Заметки — не длиннее 4000 символов.");
        RuleFor(p => p.Rating).InclusiveBetween(0, 5).WithMessage("Рейтинг: от 0 до 5.").When(p => p.Rating is not null);
    }
}
