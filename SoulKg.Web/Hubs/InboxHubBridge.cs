using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using SoulKg.Infrastructure.Realtime;

namespace SoulKg.Web.Hubs;

/// <summary>One change as hub clients see it. <see cref="Kind"/>: created, updated or deleted.</summary>
public sealed record InboxEvent(long Seq, Guid Id, string Kind, JsonElement? Data);

/// <summary>
/// Subscribes to the change feed of each organisation that has hub connections on this instance (and only while it has
/// them) and forwards conversation and message changes to that organisation's group.
/// </summary>
public sealed class InboxHubBridge(ChangeNotifier changes, IHubContext<InboxHub> hub, ILogger<InboxHubBridge> logger) : IHostedService
{
    private readonly Dictionary<Guid, (int Connections, IDisposable Subscription)> _orgs = [];
    private readonly Lock _gate = new();

    public void Attach(Guid orgId)
    {
        lock (_gate)
        {
            if (_orgs.TryGetValue(orgId, out var entry))
            {
                _orgs[orgId] = (entry.Connections + 1, entry.Subscription);
                return;
            }

            var subscription = changes.Subscribe(orgId, change => ForwardAsync(orgId, change), () => ResyncAsync(orgId));
            _orgs[orgId] = (1, subscription);
        }
    }

    public void Detach(Guid orgId)
    {
        lock (_gate)
        {
            if (!_orgs.TryGetValue(orgId, out var entry))
            {
                return;
            }

            if (entry.Connections > 1)
            {
                _orgs[orgId] = (entry.Connections - 1, entry.Subscription);
                return;
            }

            entry.Subscription.Dispose();
            _orgs.Remove(orgId);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var entry in _orgs.Values)
            {
                entry.Subscription.Dispose();
            }

            _orgs.Clear();
        }

        return Task.CompletedTask;
    }

    private Task ForwardAsync(Guid orgId, ChangeEvent change)
    {
        var method = change.Entity switch
        {
            "conversation" => "ConversationChanged",
            "message" => "MessageChanged",
            _ => null,
        };
        if (method is null || change.OrgId != orgId)
        {
            return Task.CompletedTask;
        }

        var kind = change.Kind switch { "I" => "created", "D" => "deleted", _ => "updated" };
        return hub.Clients.Group(InboxHub.GroupOf(orgId)).SendAsync(method, new InboxEvent(change.Seq, change.EntityId, kind, change.Data));
    }

    private Task ResyncAsync(Guid orgId)
    {
        logger.LogInformation("Asking inbox hub clients of {OrgId} to re-read", orgId);
        return hub.Clients.Group(InboxHub.GroupOf(orgId)).SendAsync("Resync");
    }
}
