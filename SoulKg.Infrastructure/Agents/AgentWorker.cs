using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SoulKg.Domain.Agents;
using Holder = SoulKg.Domain.Conversations.Holder;
using MessageAuthor = SoulKg.Domain.Conversations.MessageAuthor;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Agents;

/// <summary>
/// Starts the agent after an inbound message is stored, off the ingest path: the pipeline only enqueues. Runs of one
/// conversation never overlap; messages that arrive during a run are answered by one more run afterwards (the runner
/// reads the whole recent chat, so a burst of messages gets one reply). The queue lives in memory, so on start the
/// worker also queues the agent's chats whose last message is an unanswered client message: a restart between storing
/// a message and answering it leaves no client waiting.
/// </summary>
public sealed class AgentWorker(
    IAgentRunner runner,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IOptions<AgentOptions> options,
    ILogger<AgentWorker> logger) : BackgroundService, IInboundReaction
{
    private readonly Channel<(Guid OrgId, Guid ConversationId, Guid MessageId)> _queue = Channel.CreateUnbounded<(Guid, Guid, Guid)>();

    /// <summary>Conversations with a run in progress; true when another message came meanwhile.</summary>
    private readonly Dictionary<Guid, bool> _running = [];

    /// <summary>Items written and not yet fully handled.</summary>
    private int _pending;

    public Task OnInboundAsync(Guid orgId, Guid conversationId, Guid messageId, CancellationToken cancellationToken)
    {
        if (options.Value.AutoReply)
        {
            Interlocked.Increment(ref _pending);
            _queue.Writer.TryWrite((orgId, conversationId, messageId));
        }

        return Task.CompletedTask;
    }

    /// <summary>Resolves when no run is queued or in progress; for tests and graceful shutdown.</summary>
    public async Task WaitIdleAsync(CancellationToken ct)
    {
        while (Volatile.Read(ref _pending) > 0)
        {
            await Task.Delay(20, ct);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var consumers = Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.Value.Workers)).Select(_ => ConsumeAsync(stoppingToken)));
        try
        {
            await CatchUpAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Agent catch-up after start failed");
        }

        await consumers;
    }

    /// <summary>
    /// Queues every agent-held client chat of every org whose newest message is a client's, written within
    /// <see cref="AgentOptions.CatchUpWindow"/>; the runner skips a chat that turns out to be answered. Returns how many.
    /// </summary>
    public async Task<int> CatchUpAsync(CancellationToken ct)
    {
        if (!options.Value.AutoReply || options.Value.CatchUpWindow <= TimeSpan.Zero)
        {
            return 0;
        }

        List<Guid> orgs;
        await using (var scope = scopes.CreateAsyncScope())
        {
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync(ct);
            orgs = await db.OrgRegistry.Select(o => o.Id).ToListAsync(ct);
        }

        var since = clock.GetUtcNow() - options.Value.CatchUpWindow;
        var queued = 0;
        foreach (var orgId in orgs)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId, ActorType.System, "agent-catch-up");
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync(ct);
            var waiting = await db.Conversations.AsNoTracking()
                .Where(c => c.Holder == Holder.AiActive && !c.IsGroup && c.ClientId != null && c.LastInboundAt >= since)
                .Select(c => db.Messages.Where(m => m.ConversationId == c.Id).OrderByDescending(m => m.SentAt).ThenByDescending(m => m.Id)
                    .Select(m => new { m.ConversationId, m.Id, m.Author }).FirstOrDefault())
                .ToListAsync(ct);
            foreach (var last in waiting)
            {
                if (last is { Author: MessageAuthor.Client })
                {
                    await OnInboundAsync(orgId, last.ConversationId, last.Id, ct);
                    queued++;
                }
            }
        }

        return queued;
    }

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        await foreach (var (orgId, conversationId, messageId) in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            lock (_running)
            {
                if (_running.ContainsKey(conversationId))
                {
                    // A run of this chat is under way: it will go once more when it ends.
                    _running[conversationId] = true;
                    Interlocked.Decrement(ref _pending);
                    continue;
                }

                _running[conversationId] = false;
            }

            try
            {
                while (true)
                {
                    await RunOnceAsync(orgId, conversationId, messageId, stoppingToken);
                    lock (_running)
                    {
                        if (!_running[conversationId])
                        {
                            _running.Remove(conversationId);
                            break;
                        }

                        _running[conversationId] = false;
                    }
                }
            }
            finally
            {
                lock (_running)
                {
                    _running.Remove(conversationId);
                }

                Interlocked.Decrement(ref _pending);
            }
        }
    }

    private async Task RunOnceAsync(Guid orgId, Guid conversationId, Guid messageId, CancellationToken ct)
    {
        try
        {
            await runner.RunAsync(orgId, conversationId, messageId, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Agent run for conversation {ConversationId} crashed", conversationId);
        }
    }
}
