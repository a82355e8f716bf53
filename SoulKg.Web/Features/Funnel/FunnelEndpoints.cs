using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Crm;
using SoulKg.Web.Infrastructure;

namespace SoulKg.Web.Features.Funnel;

/// <summary>
/// The funnel's stages and lost reasons. Everyone signed in reads them (boards and deal forms need them); changing them
/// is a settings permission. They carry no ETag: they are edited rarely and by few people.
/// </summary>
public static class FunnelEndpoints
{
    public static void MapFunnelEndpoints(this RouteGroupBuilder api)
    {
        var funnel = api.MapGroup("/funnel").WithTags("Funnel").RequireAuthorization();

        var stages = funnel.MapGroup("/stages");
        stages.MapGet("/", StagesAsync)
            .WithSummary("The funnel's stages in board order");
        stages.MapGet("/{id:guid}", StageAsync)
            .WithName("GetFunnelStage")
            .WithSummary("One stage, archived ones included")
            .ProducesProblem(StatusCodes.Status404NotFound);
        stages.MapPost("/", AddStageAsync)
            .WithSummary("Add a stage at the end of the funnel")
            .RequireAuthorization(Permissions.ManageSettings)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);
        stages.MapPut("/{id:guid}", UpdateStageAsync)
            .WithSummary("Rename or recolour a stage, or change when its cards count as stale")
            .RequireAuthorization(Permissions.ManageSettings)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        stages.MapPut("/order", ReorderStagesAsync)
            .WithSummary("Set the order of the active stages; the list names each of them exactly once")
            .RequireAuthorization(Permissions.ManageSettings)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        stages.MapPost("/{id:guid}/archive", ArchiveStageAsync)
            .WithSummary("Archive a stage that has no open deals; its history stays")
            .RequireAuthorization(Permissions.ManageSettings)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        var reasons = funnel.MapGroup("/lost-reasons");
        reasons.MapGet("/", LostReasonsAsync)
            .WithSummary("The reasons a deal can be lost for");
        reasons.MapGet("/{id:guid}", LostReasonAsync)
            .WithName("GetLostReason")
            .WithSummary("One lost reason, archived ones included")
            .ProducesProblem(StatusCodes.Status404NotFound);
        reasons.MapPost("/", AddLostReasonAsync)
            .WithSummary("Add a lost reason")
            .RequireAuthorization(Permissions.ManageSettings)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        reasons.MapPut("/{id:guid}", UpdateLostReasonAsync)
            .WithSummary("Rename a lost reason (closed deals keep pointing at it)")
            .RequireAuthorization(Permissions.ManageSettings)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        reasons.MapPost("/{id:guid}/archive", ArchiveLostReasonAsync)
            .WithSummary("Archive a lost reason: it is no longer offered, closed deals keep it")
            .RequireAuthorization(Permissions.ManageSettings)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<IReadOnlyList<StageItem>>> StagesAsync(
        [Description("Also list archived stages (they still name old moves)")] bool? includeArchived, FunnelSettingsService funnel, CancellationToken ct) =>
        TypedResults.Ok(await funnel.StagesAsync(includeArchived ?? false, ct));

    private static async Task<Results<Ok<StageItem>, ProblemHttpResult>> StageAsync(Guid id, FunnelSettingsService funnel, CancellationToken ct) =>
        (await funnel.StagesAsync(includeArchived: true, ct)).FirstOrDefault(s => s.Id == id) is { } stage
            ? TypedResults.Ok(stage)
            : ApiProblems.NotFound("Этап не найден.");

    private static async Task<CreatedAtRoute<StageItem>> AddStageAsync(StageInput input, FunnelSettingsService funnel, CancellationToken ct)
    {
        var stage = await funnel.AddStageAsync(input, ct);
        return TypedResults.CreatedAtRoute(stage, "GetFunnelStage", new { id = stage.Id });
    }

    private static async Task<Ok<StageItem>> UpdateStageAsync(Guid id, StageInput input, FunnelSettingsService funnel, CancellationToken ct) =>
        TypedResults.Ok(await funnel.UpdateStageAsync(id, input, ct));

    private static async Task<Ok<IReadOnlyList<StageItem>>> ReorderStagesAsync(ReorderStagesRequest request, FunnelSettingsService funnel, CancellationToken ct) =>
        TypedResults.Ok(await funnel.ReorderAsync(request.StageIds, ct));

    private static async Task<NoContent> ArchiveStageAsync(Guid id, FunnelSettingsService funnel, CancellationToken ct)
    {
        await funnel.ArchiveStageAsync(id, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<LostReasonItem>>> LostReasonsAsync(
        [Description("Also list archived reasons")] bool? includeArchived, FunnelSettingsService funnel, CancellationToken ct) =>
        TypedResults.Ok(await funnel.LostReasonsAsync(includeArchived ?? false, ct));

    private static async Task<Results<Ok<LostReasonItem>, ProblemHttpResult>> LostReasonAsync(Guid id, FunnelSettingsService funnel, CancellationToken ct) =>
        (await funnel.LostReasonsAsync(includeArchived: true, ct)).FirstOrDefault(r => r.Id == id) is { } reason
            ? TypedResults.Ok(reason)
            : ApiProblems.NotFound("Причина не найдена.");

    private static async Task<CreatedAtRoute<LostReasonItem>> AddLostReasonAsync(LostReasonRequest request, FunnelSettingsService funnel, CancellationToken ct)
    {
        var reason = await funnel.SaveLostReasonAsync(null, request.Name, ct);
        return TypedResults.CreatedAtRoute(reason, "GetLostReason", new { id = reason.Id });
    }

    private static async Task<Ok<LostReasonItem>> UpdateLostReasonAsync(Guid id, LostReasonRequest request, FunnelSettingsService funnel, CancellationToken ct) =>
        TypedResults.Ok(await funnel.SaveLostReasonAsync(id, request.Name, ct));

    private static async Task<NoContent> ArchiveLostReasonAsync(Guid id, FunnelSettingsService funnel, CancellationToken ct)
    {
        await funnel.ArchiveLostReasonAsync(id, ct);
        return TypedResults.NoContent();
    }
}
