using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace SoulKg.Infrastructure.Realtime;

/// <summary>
/// Keeps one connection LISTENing on <see cref="ChangeEvent.Channel"/> and hands every notification to the
/// <see cref="ChangeNotifier"/>. NOTIFY is sent by the writing transaction and delivered only on commit, so what arrives
/// here is committed. After a lost connection it reconnects with backoff and asks every screen to re-read.
/// </summary>
public sealed class ChangeListener(NpgsqlDataSource dataSource, ChangeNotifier notifier, ILogger<ChangeListener> logger) : BackgroundService
{
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the first LISTEN is in place (tests and benchmarks wait for it).</summary>
    public Task Listening => _listening.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) =>
                {
                    if (ChangeEvent.Parse(e.Payload) is { } change)
                    {
                        notifier.Publish(change);
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {ChangeEvent.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                if (!first)
                {
                    logger.LogInformation("Change listener reconnected; asking screens to re-read");
                    notifier.Resync();
                }

                first = false;
                delay = TimeSpan.FromMilliseconds(250);
                _listening.TrySetResult();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                logger.LogWarning(e, "Change listener lost its connection; retrying in {Delay}", delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }
}
