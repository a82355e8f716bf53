using System.ComponentModel;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using SoulKg.Domain;
using SoulKg.Domain.Partners;
using SoulKg.Infrastructure.Crm;

namespace SoulKg.Web.Features.Partners;

/// <summary>The filters of GET /partners and its CSV export.</summary>
public sealed record PartnerListParameters(
    [property: FromQuery(Name = "search"), Description("Part of the name or contact person")] string? Search,
    [property: FromQuery(Name = "type")] PartnerType? Type,
    [property: FromQuery(Name = "region"), Description("A region the partner works in, e.g. Каракол")] string? Region,
    [property: FromQuery(Name = "language"), Description("ru, en or ky")] string? Language,
    [property: FromQuery(Name = "isActive")] bool? IsActive)
{
    public PartnerQuery ToQuery() => new() { Search = Search, Type = Type, Region = Region, Language = Language, IsActive = IsActive };
}

public sealed class PartnerListParametersValidator : AbstractValidator<PartnerListParameters>
{
    public PartnerListParametersValidator()
    {
        RuleFor(p => p.Search).MaximumLength(200).OverridePropertyName("search").WithMessage("Поиск — не длиннее 200 символов.");
        RuleFor(p => p.Type).IsInEnum().OverridePropertyName("type").WithMessage("Неизвестный тип партнёра.");
        RuleFor(p => p.Region).MaximumLength(100).OverridePropertyName("region").WithMessage("Регион — не длиннее 100 символов.");
        RuleFor(p => p.Language).Must(Languages.IsKnown).When(p => !string.IsNullOrEmpty(p.Language))
            .OverridePropertyName("language").WithMessage("Язык: ru, en или ky.");
    }
}
