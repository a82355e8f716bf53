using System.ComponentModel;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using SoulKg.Domain.Catalog;
using SoulKg.Infrastructure.Crm;

namespace SoulKg.Web.Features.Tours;

/// <summary>The filters of GET /tours and its CSV export.</summary>
public sealed record TourListParameters(
    [property: FromQuery(Name = "search"), Description("Part of the Russian or English name")] string? Search,
    [property: FromQuery(Name = "region"), Description("Exact region, e.g. Иссык-Куль")] string? Region,
    [property: FromQuery(Name = "type")] TourType? Type,
    [property: FromQuery(Name = "month"), Description("1–12: tours that run in this month")] int? Month,
    [property: FromQuery(Name = "groupSize"), Description("Tours that take a group of this size")] int? GroupSize,
    [property: FromQuery(Name = "includeArchived")] bool? IncludeArchived)
{
    public TourQuery ToQuery() => new()
    {
        Search = Search,
        Region = Region,
        Type = Type,
        Month = Month,
        GroupSize = GroupSize,
        IncludeArchived = IncludeArchived ?? false,
    };
}

public sealed class TourListParametersValidator : AbstractValidator<TourListParameters>
{
    public TourListParametersValidator()
    {
        RuleFor(p => p.Search).MaximumLength(200).OverridePropertyName("search").WithMessage("Поиск — не длиннее 200 символов.");
        RuleFor(p => p.Region).MaximumLength(100).OverridePropertyName("region").WithMessage("Регион — не длиннее 100 символов.");
        RuleFor(p => p.Type).IsInEnum().OverridePropertyName("type").WithMessage("Неизвестный тип тура.");
        RuleFor(p => p.Month).InclusiveBetween(1, 12).When(p => p.Month is not null).OverridePropertyName("month").WithMessage("Месяц: от 1 до 12.");
        RuleFor(p => p.GroupSize).InclusiveBetween(1, 500).When(p => p.GroupSize is not null)
            .OverridePropertyName("groupSize").WithMessage("Размер группы: от 1 до 500.");
    }
}
