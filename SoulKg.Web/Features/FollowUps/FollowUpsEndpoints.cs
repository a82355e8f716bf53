using Microsoft.AspNetCore.Http.HttpResults;
using SoulKg.Domain.FollowUps;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.FollowUps;
using SoulKg.Web.Infrastructure;

namespace SoulKg.Web.Features.FollowUps;

/// <summary>Follow-ups of a client (list, cancel, send now) and the organisation's follow-up settings.</summary>
public static class FollowUpsEndpoints
{
    public static void MapFollowUpsEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/clients/{id:guid}/follow-ups", ForClientAsync)
            .WithTags("Follow-ups")
            .WithSummary("The client's follow-ups: pending first, then the latest")
            .RequireAuthorization(Permissions.WorkDeals)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        var followUps = api.MapGroup("/follow-ups").WithTags("Follow-ups").RequireAuthorization();
        followUps.MapPost("/{id:guid}/cancel", CancelAsync)
            .WithSummary("Cancel a pending follow-up")
            .RequireAuthorization(Permissions.WorkDeals)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        followUps.MapPost("/{id:guid}/send-now", SendNowAsync)
            .WithSummary("Fire a pending follow-up now, with the same checks as its scheduled run (it is skipped if a person holds the chat)")
            .RequireAuthorization(Permissions.WorkDeals)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        followUps.MapGet("/settings", SettingsAsync)
            .WithSummary("The organisation's follow-up settings: quiet-client hours, days before the trip, auto-return to the agent");
        followUps.MapPut("/settings", SaveSettingsAsync)
            .WithSummary("Change the follow-up settings; autoReturnAfterHours null switches the auto-return off")
            .RequireAuthorization(Permissions.ManageSettings)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);
    }

    private static async Task<Results<Ok<IReadOnlyList<FollowUpItem>>, ProblemHttpResult>> ForClientAsync(Guid id, FollowUpService followUps, CancellationToken ct) =>
        await followUps.ClientExistsAsync(id, ct)
            ? TypedResults.Ok(await followUps.ForClientAsync(id, ct))
            : ApiProblems.NotFound("Клиент не найден.");

    private static async Task<Ok<FollowUpItem>> CancelAsync(Guid id, FollowUpService followUps, CancellationToken ct) =>
        TypedResults.Ok(await followUps.CancelAsync(id, ct));

    private static async Task<Ok<FollowUpItem>> SendNowAsync(Guid id, FollowUpService followUps, CancellationToken ct) =>
        TypedResults.Ok(await followUps.SendNowAsync(id, ct));

    private static async Task<Ok<FollowUpSettingsItem>> SettingsAsync(FollowUpService followUps, CancellationToken ct) =>
        TypedResults.Ok(await followUps.SettingsAsync(ct));

    private static async Task<Ok<FollowUpSettingsItem>> SaveSettingsAsync(FollowUpSettingsInput input, FollowUpService followUps, CancellationToken ct) =>
        TypedResults.Ok(await followUps.SaveSettingsAsync(input, ct));
}
