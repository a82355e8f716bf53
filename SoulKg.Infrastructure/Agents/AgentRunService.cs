using Microsoft.EntityFrameworkCore;
using SoulKg.Domain.Agents;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Data;

namespace SoulKg.Infrastructure.Agents;

public sealed record AgentRunQuery
{
    public AgentKind? Agent { get; init; }
    public AgentRunOutcome? Outcome { get; init; }
    public Guid? ConversationId { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }

    /// <summary>A trace id, or words of the client's input or the agent's output.</summary>
    public string? Search { get; init; }
}

public sealed record AgentRunItem(
    Guid Id, string TraceId, Guid ConversationId, string? ClientName, AgentKind Agent, string AgentName, int ConfigVersion, string Input, string? Output,
    AgentRunOutcome Outcome, HandoffReason? HandoffReason, int ToolCallCount, int Tokens, int LatencyMs, DateTimeOffset StartedAt);

public sealed record AgentRunDetails(
    Guid Id, string TraceId, Guid ConversationId, Guid? ClientId, string? ClientName, Guid? TriggerMessageId, Guid? ReplyMessageId, AgentKind Agent,
    string AgentName, int ConfigVersion, string Provider, string Model, string Input, IReadOnlyList<AgentToolCall> ToolCalls,
    IReadOnlyList<AgentHandover> Handovers, string? Output, AgentRunOutcome Outcome, HandoffReason? HandoffReason, string? Error, int Iterations,
    int PromptTokens, int CompletionTokens, int LatencyMs, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt);

/// <summary>The run log for the journal screen and "Почему?".</summary>
public sealed class AgentRunService(IDbContextFactory<SoulKgDbContext> factory)
{
    public async Task<CursorPage<AgentRunItem>> ListAsync(AgentRunQuery query, string? cursor, int? limit, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var runs = Filter(db, query);
        if (Cursor.TryDecode(cursor, out var at, out var id))
        {
            runs = runs.Where(r => r.StartedAt < at || (r.StartedAt == at && r.Id.CompareTo(id) < 0));
        }

        var take = Cursor.Limit(limit);
        var rows = await (from r in runs.OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id).Take(take + 1)
                          join c in db.Conversations on r.ConversationId equals c.Id
                          join client in db.Clients on c.ClientId equals client.Id into clients
                          from client in clients.DefaultIfEmpty()
                          select new { Run = r, ClientName = client == null ? null : client.Name }).ToListAsync(ct);
        rows = [.. rows.OrderByDescending(r => r.Run.StartedAt).ThenByDescending(r => r.Run.Id)];
        return Cursor.Page(rows, take, r => r.Run.StartedAt, r => r.Run.Id, r => new AgentRunItem(
            r.Run.Id, r.Run.TraceId, r.Run.ConversationId, r.ClientName, r.Run.Agent, r.Run.AgentName, r.Run.ConfigVersion, r.Run.Input, r.Run.Output,
            r.Run.Outcome, r.Run.HandoffReason, r.Run.ToolCalls.Count, r.Run.PromptTokens + r.Run.CompletionTokens, r.Run.LatencyMs, r.Run.StartedAt));
    }

    public async Task<AgentRunDetails?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await (from r in db.AgentRuns.AsNoTracking()
                         where r.Id == id
                         join c in db.Conversations on r.ConversationId equals c.Id
                         join client in db.Clients on c.ClientId equals client.Id into clients
                         from client in clients.DefaultIfEmpty()
                         select new { Run = r, ClientId = (Guid?)c.ClientId, ClientName = client == null ? null : client.Name }).FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }

        var run = row.Run;
        return new AgentRunDetails(run.Id, run.TraceId, run.ConversationId, row.ClientId, row.ClientName, run.TriggerMessageId, run.ReplyMessageId, run.Agent, run.AgentName,
            run.ConfigVersion, run.Provider, run.Model, run.Input, run.ToolCalls, run.Handovers, run.Output, run.Outcome, run.HandoffReason, run.Error, run.Iterations,
            run.PromptTokens, run.CompletionTokens, run.LatencyMs, run.StartedAt, run.FinishedAt);
    }

    private static IQueryable<Domain.Agents.AgentRun> Filter(SoulKgDbContext db, AgentRunQuery query)
    {
        var runs = db.AgentRuns.AsNoTracking();
        if (query.Agent is { } agent)
        {
            runs = runs.Where(r => r.Agent == agent);
        }

        if (query.Outcome is { } outcome)
        {
            runs = runs.Where(r => r.Outcome == outcome);
        }

        if (query.ConversationId is { } conversation)
        {
            runs = runs.Where(r => r.ConversationId == conversation);
        }

        if (query.From is { } from)
        {
            runs = runs.Where(r => r.StartedAt >= from);
        }

        if (query.To is { } to)
        {
            runs = runs.Where(r => r.StartedAt < to);
        }

        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var text = query.Search.Trim();
            var pattern = "%" + ClientService.EscapeLike(text) + "%";
            runs = runs.Where(r => r.TraceId == text || EF.Functions.ILike(r.Input, pattern) || (r.Output != null && EF.Functions.ILike(r.Output, pattern)));
        }

        return runs;
    }
}
