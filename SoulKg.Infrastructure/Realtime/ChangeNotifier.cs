using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SoulKg.Infrastructure.Realtime;

/// <summary>
/// Fans changes out to the subscribers of this app instance (Blazor circuits, hub connections), by organisation.
/// Singleton. Changes arrive from <see cref="ChangeListener"/> (PostgreSQL LISTEN), so a change made by any instance,
/// the API, an agent, an import or a job reaches every open screen of that organisation, and no other.
/// </summary>
public sealed class ChangeNotifier(ILogger<ChangeNotifier> logger)
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Subscription, byte>> _byOrg = new();

    public IDisposable Subscribe(Guid orgId, Func<ChangeEvent, Task> onChange, Func<Task>? onResync = null)
    {
        var subscription = new Subscription(this, orgId, onChange, onResync);
        _byOrg.GetOrAdd(orgId, _ => new()).TryAdd(subscription, 0);
        return subscription;
    }

    /// <summary>Every organisation's changes: for system workers of this instance (the outbox dispatcher), never for screens.</summary>
    public IDisposable SubscribeAll(Func<ChangeEvent, Task> onChange)
    {
        var subscription = new Subscription(this, Guid.Empty, onChange, null);
        _byOrg.GetOrAdd(Guid.Empty, _ => new()).TryAdd(subscription, 0);
        return subscription;
    }

    public int SubscriberCount(Guid orgId) => _byOrg.TryGetValue(orgId, out var subs) ? subs.Count : 0;

    internal void Publish(ChangeEvent change)
    {
        if (_byOrg.TryGetValue(Guid.Empty, out var system))
        {
            foreach (var subscriber in system.Keys)
            {
                _ = Deliver(subscriber, s => s.OnChange(change));
            }
        }

        if (change.OrgId == Guid.Empty || !_byOrg.TryGetValue(change.OrgId, out var subscribers))
        {
            return;
        }

        foreach (var subscriber in subscribers.Keys)
        {
            _ = Deliver(subscriber, s => s.OnChange(change));
        }
    }

    internal void Resync()
    {
        foreach (var subscriber in _byOrg.Values.SelectMany(s => s.Keys))
        {
            if (subscriber.OnResync is { } resync)
            {
                _ = Deliver(subscriber, _ => resync());
            }
        }
    }

    private async Task Deliver(Subscription subscriber, Func<Subscription, Task> action)
    {
        try
        {
            await action(subscriber);
        }
        catch (Exception e)
        {
            // One broken screen must not stop the others from getting the change.
            logger.LogWarning(e, "A change subscriber failed");
        }
    }

    private void Remove(Subscription subscription)
    {
        if (_byOrg.TryGetValue(subscription.OrgId, out var subscribers))
        {
            subscribers.TryRemove(subscription, out _);
        }
    }

    private sealed class Subscription(ChangeNotifier owner, Guid orgId, Func<ChangeEvent, Task> onChange, Func<Task>? onResync) : IDisposable
    {
        public Guid OrgId { get; } = orgId;
        public Func<ChangeEvent, Task> OnChange { get; } = onChange;
        public Func<Task>? OnResync { get; } = onResync;

        public void Dispose() => owner.Remove(this);
    }
}
