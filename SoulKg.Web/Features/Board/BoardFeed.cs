using System.Threading.Channels;
using SoulKg.Infrastructure.Realtime;

namespace SoulKg.Web.Features.Board;

/// <summary>
/// A board's subscription to its organisation's change feed. The notifier calls back on thread-pool threads, one call
/// per change; this buffers them and hands them on in batches, a short moment after a change arrives, so a burst (an
/// import, a renumbered column) costs one re-read instead of hundreds. It buffers from construction: subscribe before
/// reading the board and <see cref="Start"/> after, and nothing committed in between is lost.
/// </summary>
public sealed class BoardFeed : IDisposable
{
    private readonly Channel<ChangeEvent?> _inbox = Channel.CreateUnbounded<ChangeEvent?>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly IDisposable _subscription;

    public BoardFeed(ChangeNotifier notifier, Guid orgId, TimeSpan? debounce = null)
    {
        Debounce = debounce ?? TimeSpan.FromMilliseconds(150);
        // null stands for "resync": the listener reconnected and may have missed changes.
        _subscription = notifier.Subscribe(orgId, change => Post(change), () => Post(null));
    }

    public TimeSpan Debounce { get; }

    /// <summary>Starts handing batches to <paramref name="onBatch"/>: the changes, and whether a resync was asked for.</summary>
    public void Start(Func<IReadOnlyList<ChangeEvent>, bool, Task> onBatch) => _ = PumpAsync(onBatch, _stop.Token);

    public void Dispose()
    {
        _subscription.Dispose();
        _inbox.Writer.TryComplete();
        _stop.Cancel();
    }

    private Task Post(ChangeEvent? change)
    {
        _inbox.Writer.TryWrite(change);
        return Task.CompletedTask;
    }

    private async Task PumpAsync(Func<IReadOnlyList<ChangeEvent>, bool, Task> onBatch, CancellationToken ct)
    {
        try
        {
            while (await _inbox.Reader.WaitToReadAsync(ct))
            {
                await Task.Delay(Debounce, ct);
                var batch = new List<ChangeEvent>();
                var resync = false;
                while (_inbox.Reader.TryRead(out var change))
                {
                    if (change is null)
                    {
                        resync = true;
                    }
                    else
                    {
                        batch.Add(change);
                    }
                }

                await onBatch(batch, resync);
            }
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            // Disposed: the page is gone, and so may be its renderer.
        }
    }
}
