using System.ComponentModel;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Funnel;
using SoulKg.Infrastructure.Crm;

namespace SoulKg.Web.Features.Deals;

/// <summary>The filters of GET /deals and its CSV export.</summary>
public sealed record DealListParameters(
    [property: FromQuery(Name = "stageId")] Guid? StageId,
    [property: FromQuery(Name = "status")] DealStatus? Status,
    [property: FromQuery(Name = "clientId")] Guid? ClientId,
    [property: FromQuery(Name = "responsibleUserId")] Guid? ResponsibleUserId,
    [property: FromQuery(Name = "tourId")] Guid? TourId,
    [property: FromQuery(Name = "source")] ClientSource? Source,
    [property: FromQuery(Name = "tag"), Description("A tag of the deal's client")] string? Tag,
    [property: FromQuery(Name = "travelMonth"), Description("1–12: the month travel starts in")] int? TravelMonth,
    [property: FromQuery(Name = "search"), Description("Part of the title or client name, or at least 3 digits of the client's phone")] string? Search)
{
    public DealQuery ToQuery() => new()
    {
        StageId = StageId,
        Status = Status,
        ClientId = ClientId,
        ResponsibleUserId = ResponsibleUserId,
        TourId = TourId,
        Source = Source,
        Tag = Tag,
        TravelMonth = TravelMonth,
        Search = Search,
    };
}

public sealed class DealListParametersValidator : AbstractValidator<DealListParameters>
{
    public DealListParametersValidator()
    {
        RuleFor(p => p.Status).IsInEnum().OverridePropertyName("status").WithMessage("Статус: Open, Won или Lost.");
        RuleFor(p => p.Source).IsInEnum().OverridePropertyName("source").WithMessage("Неизвестный источник.");
        RuleFor(p => p.Tag).MaximumLength(50).OverridePropertyName("tag").WithMessage("Тег — не длиннее 50 символов.");
        RuleFor(p => p.TravelMonth).InclusiveBetween(1, 12).When(p => p.TravelMonth is not null)
            .OverridePropertyName("travelMonth").WithMessage("Месяц: от 1 до 12.");
        RuleFor(p => p.Search).MaximumLength(200).OverridePropertyName("search").WithMessage("Поиск — не длиннее 200 символов.");
    }
}

public sealed record WinDealRequest(string? Reason);

public sealed class WinDealRequestValidator : AbstractValidator<WinDealRequest>
{
    public WinDealRequestValidator() => RuleFor(r => r.Reason).MaximumLength(500).WithMessage("Комментарий — не длиннее 500 символов.");
}

/// <summary>Without a stage the deal reopens on the stage it was closed on.</summary>
public sealed record ReopenDealRequest(Guid? StageId);

public sealed record AssignPartnerRequest(Guid PartnerId, string? Note);

public sealed class AssignPartnerRequestValidator : AbstractValidator<AssignPartnerRequest>
{
    public AssignPartnerRequestValidator()
    {
        RuleFor(r => r.PartnerId).NotEmpty().WithMessage("Укажите партнёра.");
        RuleFor(r => r.Note).MaximumLength(1000).WithMessage("Комментарий — не длиннее 1000 символов.");
    }
}
