using System.ComponentModel;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SoulKg.Domain.Handoffs;
using SoulKg.Domain.Partners;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Handoffs;
using SoulKg.Web.Infrastructure;

namespace SoulKg.Web.Features.Handoffs;

/// <summary>
/// Partner handoff: staff send a deal's card to partners and follow the answers; partners answer through their
/// one-time link without an account (<c>/public/handoffs/{token}</c>), or with "да"/"нет" in WhatsApp.
/// </summary>
public static class HandoffsEndpoints
{
    public static void MapHandoffsEndpoints(this RouteGroupBuilder api)
    {
        var handoffs = api.MapGroup("/handoffs").WithTags("Handoffs").RequireAuthorization(Permissions.WorkDeals);
        handoffs.MapGet("/", ListAsync)
            .WithSummary("Handoffs, newest first, by deal, partner or status, paged by cursor")
            .ProducesValidationProblem();
        handoffs.MapGet("/suggestions", SuggestAsync)
            .WithSummary("Partners to ask for a deal, best first: region, language, past acceptance, busy dates")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        handoffs.MapGet("/{id:guid}", GetAsync)
            .WithName("GetHandoff")
            .WithSummary("A handoff with its messages in the partner chat")
            .ProducesProblem(StatusCodes.Status404NotFound);
        handoffs.MapPost("/", CreateAsync)
            .WithSummary("Send the deal's card to partners on WhatsApp (through the outbox); answers the one-time links, shown once")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        handoffs.MapPost("/{id:guid}/cancel", async (Guid id, HandoffService service, CancellationToken ct) => TypedResults.Ok(await service.CancelAsync(id, ct)))
            .WithSummary("Withdraw an unanswered request; the partner is told")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        handoffs.MapGet("/partners/{partnerId:guid}/stats", async (Guid partnerId, HandoffService service, CancellationToken ct) =>
                TypedResults.Ok(await service.StatsAsync(partnerId, ct)))
            .WithSummary("A partner's record: requests, accepted, declined, expired, acceptance rate, average response time")
            .ProducesProblem(StatusCodes.Status404NotFound);
        handoffs.MapGet("/settings", async (HandoffService service, CancellationToken ct) => TypedResults.Ok(await service.GetSettingsAsync(ct)))
            .WithSummary("The organisation's SLA: answer time, reminder, what happens on expiry, phone after acceptance");
        handoffs.MapPut("/settings", async (HandoffSettingsInput input, HandoffService service, CancellationToken ct) =>
                TypedResults.Ok(await service.SaveSettingsAsync(input, ct)))
            .WithSummary("Change the organisation's handoff SLA")
            .RequireAuthorization(Permissions.ManageSettings)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        var links = api.MapGroup("/public/handoffs").WithTags("Handoffs (partner link)").AllowAnonymous();
        links.MapGet("/{token}", async Task<Results<Ok<PublicHandoff>, ProblemHttpResult>> (string token, HandoffResponder responder, CancellationToken ct) =>
                await responder.GetPublicAsync(token, ct) is { } handoff ? TypedResults.Ok(handoff) : UnknownLink())
            .WithSummary("What the partner sees behind the link: the card; the client's phone only after acceptance")
            .ProducesProblem(StatusCodes.Status404NotFound);
        links.MapPost("/{token}/accept", (string token, HandoffAnswerInput? input, HandoffResponder responder, CancellationToken ct) =>
                AnswerAsync(responder, token, true, input, ct))
            .WithSummary("The partner accepts; 409 when the time ran out or it was answered already")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        links.MapPost("/{token}/decline", (string token, HandoffAnswerInput? input, HandoffResponder responder, CancellationToken ct) =>
                AnswerAsync(responder, token, false, input, ct))
            .WithSummary("The partner declines, optionally with a reason")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Ok<CursorPage<HandoffItem>>> ListAsync(
        [AsParameters] HandoffListParameters filter, [AsParameters] PageQuery page, HandoffService service, CancellationToken ct) =>
        TypedResults.Ok(await service.ListAsync(new HandoffQuery { DealId = filter.DealId, PartnerId = filter.PartnerId, Status = filter.Status }, page.Cursor, page.Limit, ct));

    private static async Task<Ok<IReadOnlyList<PartnerSuggestion>>> SuggestAsync([AsParameters] SuggestionParameters query, HandoffService service, CancellationToken ct) =>
        TypedResults.Ok(await service.SuggestAsync(query.DealId!.Value, query.Type, ct));

    private static async Task<Results<Ok<HandoffDetails>, ProblemHttpResult>> GetAsync(Guid id, HandoffService service, CancellationToken ct) =>
        await service.GetAsync(id, ct) is { } handoff ? TypedResults.Ok(handoff) : ApiProblems.NotFound("Запрос партнёру не найден.");

    private static async Task<Created<IReadOnlyList<CreatedHandoff>>> CreateAsync(
        HandoffInput input, HandoffService service, HandoffLinks links, HttpRequest request, CancellationToken ct)
    {
        var created = await service.CreateAsync(input, links.Base(request), ct);
        return TypedResults.Created($"/api/v1/handoffs?dealId={input.DealId}", created);
    }

    private static async Task<Results<Ok<PublicHandoff>, ProblemHttpResult>> AnswerAsync(
        HandoffResponder responder, string token, bool accepts, HandoffAnswerInput? input, CancellationToken ct) =>
        await responder.RespondByTokenAsync(token, accepts, input?.Reason, ct) is { } handoff ? TypedResults.Ok(handoff) : UnknownLink();

    private static ProblemHttpResult UnknownLink() => ApiProblems.NotFound("Ссылка не найдена: проверьте, что она скопирована целиком.");
}

public sealed record HandoffListParameters(
    [property: FromQuery(Name = "dealId")] Guid? DealId,
    [property: FromQuery(Name = "partnerId")] Guid? PartnerId,
    [property: FromQuery(Name = "status"), Description("Pending, Accepted, Declined, Expired or Cancelled")] HandoffStatus? Status);

public sealed class HandoffListParametersValidator : AbstractValidator<HandoffListParameters>
{
    public HandoffListParametersValidator() =>
        RuleFor(p => p.Status).IsInEnum().OverridePropertyName("status").WithMessage("Статус: Pending, Accepted, Declined, Expired или Cancelled.");
}

public sealed record SuggestionParameters(
    [property: FromQuery(Name = "dealId"), Description("The deal to hand over")] Guid? DealId,
    [property: FromQuery(Name = "type"), Description("Only partners of this type (Guide, Accommodation, Transport…)")] PartnerType? Type);

public sealed class SuggestionParametersValidator : AbstractValidator<SuggestionParameters>
{
    public SuggestionParametersValidator()
    {
        RuleFor(p => p.DealId).NotEmpty().OverridePropertyName("dealId").WithMessage("Укажите сделку.");
        RuleFor(p => p.Type).IsInEnum().OverridePropertyName("type").WithMessage("Неизвестный тип партнёра.");
    }
}
