using FluentValidation;

namespace SoulKg.Domain.Catalog;

public sealed record TourInput
{
    public string NameRu { get; init; } = "";
    public string? NameEn { get; init; }
    public string? DescriptionRu { get; init; }
    public string? DescriptionEn { get; init; }
    public string Region { get; init; } = "";
    public TourType Type { get; init; }
    public int DurationDays { get; init; } = 1;
    public IReadOnlyList<int> Months { get; init; } = [];
    public decimal? PriceKgs { get; init; }
    public decimal? PriceUsd { get; init; }
    public decimal? ChildPriceKgs { get; init; }
    public decimal? ChildPriceUsd { get; init; }
    public int GroupMin { get; init; } = 1;
    public int GroupMax { get; init; } = 20;
    public string? Included { get; init; }
    public Difficulty Difficulty { get; init; }
    public IReadOnlyList<Guid> PartnerIds { get; init; } = [];
    public IReadOnlyList<string> PhotoUrls { get; init; } = [];
}

public sealed class TourInputValidator : AbstractValidator<TourInput>
{
    public TourInputValidator()
    {
        RuleFor(t => t.NameRu).NotEmpty().WithMessage("Укажите название тура.").MaximumLength(200).WithMessage("Название — не длиннее 200 символов.");
        RuleFor(t => t.NameEn).MaximumLength(200).WithMessage("Название — не длиннее 200 символов.");
        RuleFor(t => t.DescriptionRu).MaximumLength(10_000).WithMessage("Описание — не длиннее 10 000 символов.");
        RuleFor(t => t.DescriptionEn).MaximumLength(10_000).WithMessage("Описание — не длиннее 10 000 символов.");
        RuleFor(t => t.Region).NotEmpty().WithMessage("Укажите регион.").MaximumLength(100).WithMessage("Регион — не длиннее 100 символов.");
        RuleFor(t => t.Type).IsInEnum().WithMessage("Неизвестный тип тура.");
        RuleFor(t => t.Difficulty).IsInEnum().WithMessage("Неизвестная сложность.");
        RuleFor(t => t.DurationDays).InclusiveBetween(1, 60).WithMessage("Длительность: от 1 до 60 дней.");
        RuleForEach(t => t.Months).InclusiveBetween(1, 12).WithMessage("Месяцы: от 1 до 12.");
        RuleFor(t => t).Must(t => t.PriceKgs is not null || t.PriceUsd is not null).WithName("PriceKgs").WithMessage("Укажите цену в KGS или USD.");
        RuleFor(t => t.PriceKgs).GreaterThanOrEqualTo(0).WithMessage("Цена не может быть отрицательной.");
        RuleFor(t => t.PriceUsd).GreaterThanOrEqualTo(0).WithMessage("Цена не может быть отрицательной.");
        RuleFor(t => t.ChildPriceKgs).GreaterThanOrEqualTo(0).WithMessage("Цена не может быть отрицательной.");
        RuleFor(t => t.ChildPriceUsd).GreaterThanOrEqualTo(0).WithMessage("Цена не может быть отрицательной.");
        RuleFor(t => t.GroupMin).InclusiveBetween(1, 500).WithMessage("Минимум группы: от 1 до 500.");
        RuleFor(t => t.GroupMax).GreaterThanOrEqualTo(t => t.GroupMin).WithMessage("Максимум группы меньше минимума.").LessThanOrEqualTo(500);
        RuleFor(t => t.Included).MaximumLength(4000).WithMessage("«Включено» — не длиннее 4000 символов.");
        RuleForEach(t => t.PhotoUrls).Must(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
            .WithMessage("Ссылка на фото должна начинаться с https://.");
    }
}

public sealed record DepartureInput
{
    public Guid TourId { get; init; }
    public DateOnly StartDate { get; init; }
    public DateOnly? EndDate { get; init; }
    public int Seats { get; init; }
    public decimal? PriceKgs { get; init; }
    public decimal? PriceUsd { get; init; }
}

public sealed class DepartureInputValidator : AbstractValidator<DepartureInput>
{
    public DepartureInputValidator(TimeProvider clock)
    {
        RuleFor(d => d.TourId).NotEmpty().WithMessage("Укажите тур.");
        RuleFor(d => d.StartDate)
            .Must(date => date >= DateOnly.FromDateTime(BishkekTime.ToLocal(clock.GetUtcNow()).Date))
            .WithMessage("Дата выезда уже прошла.");
        RuleFor(d => d.EndDate).GreaterThanOrEqualTo(d => d.StartDate).WithMessage("Дата возвращения раньше даты выезда.").When(d => d.EndDate is not null);
        RuleFor(d => d.Seats).InclusiveBetween(1, 1000).WithMessage("Мест: от 1 до 1000.");
        RuleFor(d => d.PriceKgs).GreaterThanOrEqualTo(0).WithMessage("Цена не может быть отрицательной.");
        RuleFor(d => d.PriceUsd).GreaterThanOrEqualTo(0).WithMessage("Цена не может быть отрицательной.");
    }
}

public sealed record BookSeatsInput(Guid DealId, int Seats);

public sealed class BookSeatsInputValidator : AbstractValidator<BookSeatsInput>
{
    public BookSeatsInputValidator()
    {
        RuleFor(b => b.DealId).NotEmpty().WithMessage("Укажите сделку.");
        RuleFor(b => b.Seats).InclusiveBetween(1, 100).WithMessage("Мест: от 1 до 100.");
    }
}
