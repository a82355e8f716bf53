using SoulKg.Domain.Conversations;

namespace SoulKg.Tests.TestInfrastructure;

/// <summary>
/// The sandbox channel's adapter in tests. Records every send by idempotency key, can be told to fail the next sends,
/// and — as a real adapter must — delivers a given idempotency key only once: a repeated call answers the first
/// delivery's external id without delivering again.
/// </summary>
public sealed class FakeChannelGateway : IChannelGateway
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _delivered = [];
    private readonly Dictionary<string, int> _calls = [];
    private readonly Dictionary<string, int> _deliveries = [];
    private int _failNext;

    public bool Handles(ChannelKind kind, ChannelMode mode) => mode == ChannelMode.Sandbox;

    /// <summary>The next <paramref name="count"/> sends (of any key) fail with a retryable error.</summary>
    public void FailNext(int count)
    {
        lock (_gate)
        {
            _failNext = count;
        }
    }

    /// <summary>How often the dispatcher called the adapter with this key (failed calls included).</summary>
    public int Calls(string key)
    {
        lock (_gate)
        {
            return _calls.GetValueOrDefault(key);
        }
    }

    /// <summary>How often the message with this key actually reached the messenger.</summary>
    public int Deliveries(string key)
    {
        lock (_gate)
        {
            return _deliveries.GetValueOrDefault(key);
        }
    }

    public string? ExternalIdOf(string key)
    {
        lock (_gate)
        {
            return _delivered.GetValueOrDefault(key);
        }
    }

    public static string KeyOf(Guid messageId) => messageId.ToString("N");

    public Task<SendResult> SendTextAsync(Guid channelId, string chatId, string text, string idempotencyKey, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _calls[idempotencyKey] = _calls.GetValueOrDefault(idempotencyKey) + 1;
            if (_failNext > 0)
            {
                _failNext--;
                return Task.FromResult(SendResult.Failed("fake: the messenger is unreachable"));
            }

            if (_delivered.TryGetValue(idempotencyKey, out var existing))
            {
                return Task.FromResult(SendResult.Sent(existing));
            }

            var externalId = "fake-" + Guid.NewGuid().ToString("N");
            _delivered[idempotencyKey] = externalId;
            _deliveries[idempotencyKey] = _deliveries.GetValueOrDefault(idempotencyKey) + 1;
            return Task.FromResult(SendResult.Sent(externalId));
        }
    }

    public Task SetTypingAsync(Guid channelId, string chatId, bool typing, CancellationToken cancellationToken) => Task.CompletedTask;
}
