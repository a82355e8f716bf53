using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SoulKg.Domain.Agents;
using SoulKg.Infrastructure.Conversations;

namespace SoulKg.Infrastructure.Agents;

/// <summary>
/// Starts the agent after an inbound message is stored, off the ingest path: the pipeline only enqueues. Runs of one
/// conversation never overlap; messages that arrive during a run are answered by one more run afterwards (the runner
/// reads the whole recent chat, so a burst of messages gets one reply).
/// </summary>
public sealed class AgentWorker(IAgentRunner runner, IOptions<AgentOptions> options, ILogger<AgentWorker> logger) : BackgroundService, IInboundReaction
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

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.Value.Workers)).Select(_ => ConsumeAsync(stoppingToken)));

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
