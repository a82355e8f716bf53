using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SoulKg.Domain;
using SoulKg.Domain.Agents;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Agents;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Tenancy;
using SoulKg.Web.Infrastructure;

namespace SoulKg.Web.Features.Agents;

/// <summary>
/// The agents' settings (versions, diff, rollback, trial before publishing) for admins, and the run log ("why did the
/// agent say that?") for everyone who works chats.
/// </summary>
public static class AgentsEndpoints
{
    public static void MapAgentsEndpoints(this RouteGroupBuilder api)
    {
        var agents = api.MapGroup("/agents").WithTags("Agents")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        var runs = agents.MapGroup("/runs").RequireAuthorization(Permissions.WorkChats);
        runs.MapGet("/", RunsAsync)
            .WithSummary("Agent runs, newest first; filter by agent, outcome, conversation, time or text (a trace id, or words of the input or output)")
            .ProducesValidationProblem();
        runs.MapGet("/{id:guid}", RunAsync)
            .WithName("GetAgentRun")
            .WithSummary("One run: input, every tool call with its arguments and result, handovers, output, tokens, latency and outcome");

        var config = agents.MapGroup("/").RequireAuthorization(Permissions.ManageAgents);
        config.MapGet("/", (AgentConfigService service, CancellationToken ct) => service.ListAsync(ct))
            .WithSummary("The organisation's agents with their current version");
        config.MapGet("/{kind}", GetAsync)
            .WithSummary("An agent's current settings; the ETag is for If-Match on save");
        config.MapPut("/{kind}", SaveAsync)
            .WithSummary("Save settings as a new version (saving identical settings adds none)")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        config.MapGet("/{kind}/versions", (string kind, AgentConfigService service, CancellationToken ct) => service.VersionsAsync(Kind(kind), ct))
            .WithSummary("Every saved version, newest first, with what changed");
        config.MapGet("/{kind}/versions/{number:int}", (string kind, int number, AgentConfigService service, CancellationToken ct) => service.VersionAsync(Kind(kind), number, ct))
            .WithSummary("The settings of one version");
        config.MapGet("/{kind}/diff", (string kind, [Description("Older version")] int from, [Description("Newer version")] int to, AgentConfigService service, CancellationToken ct) =>
                service.DiffAsync(Kind(kind), from, to, ct))
            .WithSummary("What changed between two versions, field by field");
        config.MapPost("/{kind}/versions/{number:int}/rollback", (string kind, int number, AgentConfigService service, CancellationToken ct) =>
                service.RollbackAsync(Kind(kind), number, ct))
            .WithSummary("Restore an old version; this adds a new version copying it");
        config.MapPost("/{kind}/trial", TrialAsync)
            .WithSummary("Try (unsaved) settings against a sample dialogue: the real loop and tools on an in-memory request, nothing saved or sent")
            .ProducesValidationProblem();
    }

    private static async Task<Ok<AgentConfigDetails>> GetAsync(string kind, AgentConfigService service, HttpResponse response, CancellationToken ct)
    {
        var details = await service.GetAsync(Kind(kind), ct);
        response.SetETag(details.Version);
        return TypedResults.Ok(details);
    }

    private static async Task<Results<Ok<AgentConfigDetails>, ValidationProblem>> SaveAsync(
        string kind, SaveAgentRequest request, [FromHeader(Name = ETags.IfMatchHeader), Description(ETags.IfMatchDescription)] string? ifMatch,
        AgentConfigService service, HttpResponse response, CancellationToken ct)
    {
        if (!ETags.TryParseIfMatch(ifMatch, out var expected))
        {
            return ETags.MalformedIfMatch();
        }

        var details = await service.SaveAsync(Kind(kind), request.Settings, request.Comment, expected, ct);
        response.SetETag(details.Version);
        return TypedResults.Ok(details);
    }

    private static async Task<Ok<TrialResult>> TrialAsync(string kind, TrialRequest request, AgentConfigService service, AgentRunner runner, OrgContext org, CancellationToken ct)
    {
        var agent = Kind(kind);
        var settings = request.Settings ?? (await service.GetAsync(agent, ct)).Settings;
        service.Validate(settings);
        return TypedResults.Ok(await runner.TrialAsync(org.RequiredOrgId, agent, settings, request.Dialogue, ct));
    }

    private static async Task<Results<Ok<CursorPage<AgentRunItem>>, ValidationProblem>> RunsAsync(
        AgentRunService service, string? agent, string? outcome, Guid? conversationId, DateTimeOffset? from, DateTimeOffset? to, string? search, string? cursor, int? limit,
        CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        AgentKind? agentKind = null;
        AgentRunOutcome? runOutcome = null;
        if (agent is not null)
        {
            if (Enum.TryParse<AgentKind>(agent, true, out var a) && Enum.IsDefined(a) && !int.TryParse(agent, out _))
            {
                agentKind = a;
            }
            else
            {
                errors["agent"] = ["Агент: Qualification, Warming, Sales, Service или Feedback."];
            }
        }

        if (outcome is not null)
        {
            if (Enum.TryParse<AgentRunOutcome>(outcome, true, out var o) && Enum.IsDefined(o) && !int.TryParse(outcome, out _))
            {
                runOutcome = o;
            }
            else
            {
                errors["outcome"] = ["Итог: Running, Replied, HandedOff, TakenOver, Failed, Skipped."];
            }
        }

        if (search is { Length: > 200 })
        {
            errors["search"] = ["Поиск — не длиннее 200 символов."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Проверьте поля запроса");
        }

        var query = new AgentRunQuery { Agent = agentKind, Outcome = runOutcome, ConversationId = conversationId, From = from, To = to, Search = search };
        return TypedResults.Ok(await service.ListAsync(query, cursor, limit, ct));
    }

    private static async Task<Results<Ok<AgentRunDetails>, NotFound>> RunAsync(Guid id, AgentRunService service, CancellationToken ct) =>
        await service.GetAsync(id, ct) is { } run ? TypedResults.Ok(run) : TypedResults.NotFound();

    internal static AgentKind Kind(string kind) =>
        Enum.TryParse<AgentKind>(kind, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(kind, out _)
            ? parsed
            : throw DomainException.NotFound("kind", "Такого агента нет: Qualification, Warming, Sales, Service или Feedback.");
}
