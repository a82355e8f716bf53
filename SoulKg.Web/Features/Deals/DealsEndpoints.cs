using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Crm;
using SoulKg.Web.Infrastructure;

namespace SoulKg.Web.Features.Deals;

public static class DealsEndpoints
{
    public static void MapDealsEndpoints(this RouteGroupBuilder api)
    {
        var deals = api.MapGroup("/deals").WithTags("Deals").RequireAuthorization(Permissions.WorkDeals)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        deals.MapGet("/", ListAsync)
            .WithSummary("Deals, newest first, filtered and paged by cursor")
            .ProducesValidationProblem();
        deals.MapGet("/export.csv", Export)
            .WithSummary("All deals matching the filter as CSV for Excel (UTF-8 with BOM, ';'-separated)")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesValidationProblem();
        deals.MapGet("/{id:guid}", GetAsync)
            .WithName("GetDeal")
            .WithSummary("A deal; the ETag is the version to send in If-Match")
            .ProducesProblem(StatusCodes.Status404NotFound);
        deals.MapGet("/{id:guid}/history", HistoryAsync)
            .WithSummary("Every stage and status change of the deal, newest first")
            .ProducesProblem(StatusCodes.Status404NotFound);
        deals.MapPost("/", CreateAsync)
            .WithSummary("Create a deal for a client, on the given stage or the first one")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        deals.MapPut("/{id:guid}", UpdateAsync)
            .WithSummary("Replace the request fields of a deal (stage and status change through move/lose/win/reopen)")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        deals.MapPost("/{id:guid}/move", MoveAsync)
            .WithSummary("Move an open deal to another stage; moving to its current stage changes nothing")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        deals.MapPost("/{id:guid}/lose", LoseAsync)
            .WithSummary("Close a deal as lost with a reason from the organisation's list")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        deals.MapPost("/{id:guid}/win", WinAsync)
            .WithSummary("Close a deal as won (the body with a comment is optional)")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        deals.MapPost("/{id:guid}/reopen", ReopenAsync)
            .WithSummary("Reopen a won or lost deal, on the given stage or the one it was closed on (the body is optional)")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        deals.MapGet("/{id:guid}/partners", PartnersAsync)
            .WithName("GetDealPartners")
            .WithSummary("Partners assigned to the deal")
            .ProducesProblem(StatusCodes.Status404NotFound);
        deals.MapPost("/{id:guid}/partners", AssignPartnerAsync)
            .WithSummary("Assign an active partner to the deal")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        deals.MapDelete("/{id:guid}/partners/{partnerId:guid}", UnassignPartnerAsync)
            .WithSummary("Remove a partner from the deal")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<CursorPage<DealListItem>>> ListAsync(
        [AsParameters] DealListParameters filter, [AsParameters] PageQuery page, DealService deals, CancellationToken ct) =>
        TypedResults.Ok(await deals.ListAsync(filter.ToQuery(), page.Cursor, page.Limit, ct));

    private static PushStreamHttpResult Export([AsParameters] DealListParameters filter, DealService deals, TimeProvider clock, CancellationToken ct)
    {
        var query = filter.ToQuery();
        return CsvExport.Stream("deals", clock,
            ["Id", "Клиент", "Название", "Этап", "Статус", "Взрослых", "Детей", "Поездка с", "Поездка по", "Месяц", "Год", "Сроки словами",
                "Бюджет", "Валюта бюджета", "Сумма сделки", "Валюта суммы", "Источник", "Ответственный", "Этап не подтверждён", "На этапе с", "Создана"],
            CsvExport.AllPagesAsync((cursor, limit, token) => deals.ListAsync(query, cursor, limit, token), ct),
            d => [d.Id.ToString(), d.ClientName, d.Title, d.StageName, d.Status.ToString(), CsvExport.Number(d.Adults), CsvExport.Number(d.Children),
                CsvExport.Date(d.Travel.From), CsvExport.Date(d.Travel.To), d.Travel.Month?.ToString(), d.Travel.Year?.ToString(), d.Travel.Text,
                CsvExport.Number(d.BudgetAmount), d.BudgetCurrency, CsvExport.Number(d.ValueAmount), d.ValueCurrency, d.Source.ToString(),
                d.ResponsibleUserId?.ToString(), CsvExport.YesNo(d.NeedsStageReview), CsvExport.Date(d.StageEnteredAt), CsvExport.Date(d.CreatedAt)],
            ct);
    }

    private static async Task<Results<Ok<DealDetails>, ProblemHttpResult>> GetAsync(Guid id, DealService deals, HttpResponse response, CancellationToken ct)
    {
        if (await deals.GetAsync(id, ct) is not { } deal)
        {
            return ApiProblems.NotFound("Сделка не найдена.");
        }

        response.SetETag(deal.Version);
        return TypedResults.Ok(deal);
    }

    private static async Task<Ok<IReadOnlyList<StageChangeItem>>> HistoryAsync(Guid id, DealService deals, CancellationToken ct) =>
        TypedResults.Ok(await deals.HistoryAsync(id, ct));

    private static async Task<CreatedAtRoute<DealDetails>> CreateAsync(DealInput input, DealService deals, HttpResponse response, CancellationToken ct)
    {
        var deal = await deals.CreateAsync(input, ct);
        response.SetETag(deal.Version);
        return TypedResults.CreatedAtRoute(deal, "GetDeal", new { id = deal.Id });
    }

    private static async Task<Results<Ok<DealDetails>, ValidationProblem>> UpdateAsync(
        Guid id, DealInput input, [FromHeader(Name = ETags.IfMatchHeader), Description(ETags.IfMatchDescription)] string? ifMatch,
        DealService deals, HttpResponse response, CancellationToken ct)
    {
        if (!ETags.TryParseIfMatch(ifMatch, out var expectedVersion))
        {
            return ETags.MalformedIfMatch();
        }

        var deal = await deals.UpdateAsync(id, input, expectedVersion, ct);
        response.SetETag(deal.Version);
        return TypedResults.Ok(deal);
    }

    private static Task<Results<Ok<DealDetails>, ValidationProblem>> MoveAsync(
        Guid id, MoveDealInput input, [FromHeader(Name = ETags.IfMatchHeader), Description(ETags.IfMatchDescription)] string? ifMatch,
        DealStageService stages, DealService deals, HttpResponse response, CancellationToken ct) =>
        ChangeAsync(id, ifMatch, version => stages.MoveAsync(id, input, version, ct), deals, response, ct);

    private static Task<Results<Ok<DealDetails>, ValidationProblem>> LoseAsync(
        Guid id, CloseLostInput input, [FromHeader(Name = ETags.IfMatchHeader), Description(ETags.IfMatchDescription)] string? ifMatch,
        DealStageService stages, DealService deals, HttpResponse response, CancellationToken ct) =>
        ChangeAsync(id, ifMatch, version => stages.CloseLostAsync(id, input, version, ct), deals, response, ct);

    private static Task<Results<Ok<DealDetails>, ValidationProblem>> WinAsync(
        Guid id, WinDealRequest? request, [FromHeader(Name = ETags.IfMatchHeader), Description(ETags.IfMatchDescription)] string? ifMatch,
        DealStageService stages, DealService deals, HttpResponse response, CancellationToken ct) =>
        ChangeAsync(id, ifMatch, version => stages.MarkWonAsync(id, request?.Reason, version, ct), deals, response, ct);

    private static Task<Results<Ok<DealDetails>, ValidationProblem>> ReopenAsync(
        Guid id, ReopenDealRequest? request, [FromHeader(Name = ETags.IfMatchHeader), Description(ETags.IfMatchDescription)] string? ifMatch,
        DealStageService stages, DealService deals, HttpResponse response, CancellationToken ct) =>
        ChangeAsync(id, ifMatch, version => stages.ReopenAsync(id, request?.StageId, version, ct), deals, response, ct);

    /// <summary>Stage changes answer with the whole deal, so a client has the new ETag and stage name without another GET.</summary>
    private static async Task<Results<Ok<DealDetails>, ValidationProblem>> ChangeAsync(
        Guid id, string? ifMatch, Func<uint?, Task<StageMoveResult>> change, DealService deals, HttpResponse response, CancellationToken ct)
    {
        if (!ETags.TryParseIfMatch(ifMatch, out var expectedVersion))
        {
            return ETags.MalformedIfMatch();
        }

        await change(expectedVersion);
        var deal = (await deals.GetAsync(id, ct))!;
        response.SetETag(deal.Version);
        return TypedResults.Ok(deal);
    }

    private static async Task<Results<Ok<IReadOnlyList<DealPartnerItem>>, ProblemHttpResult>> PartnersAsync(
        Guid id, DealService deals, PartnerService partners, CancellationToken ct)
    {
        // The assignment list alone cannot tell "no partners yet" from "no such deal here".
        if (await deals.GetAsync(id, ct) is null)
        {
            return ApiProblems.NotFound("Сделка не найдена.");
        }

        return TypedResults.Ok(await partners.ForDealAsync(id, ct));
    }

    private static async Task<CreatedAtRoute<DealPartnerItem>> AssignPartnerAsync(
        Guid id, AssignPartnerRequest request, PartnerService partners, CancellationToken ct)
    {
        var assignment = await partners.AssignAsync(id, request.PartnerId, request.Note, ct);
        return TypedResults.CreatedAtRoute(assignment, "GetDealPartners", new { id });
    }

    private static async Task<NoContent> UnassignPartnerAsync(Guid id, Guid partnerId, PartnerService partners, CancellationToken ct)
    {
        await partners.UnassignAsync(id, partnerId, ct);
        return TypedResults.NoContent();
    }
}
