using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Benchmarks.Benchmarks;

/// <summary>
/// The inbound pipeline in-process on a real database, sustained: every message goes the whole way a channel adapter
/// sends it (envelope stored first, dedupe on the external id, client found or created by phone, conversation, message,
/// change published with NOTIFY in the same transaction). In the same run, the raw Npgsql rate of inserting the same
/// envelope rows one by one, so the pipeline's cost is read against what the database alone does on this machine.
/// The agent is off (its cost is the agent benchmark's); a fresh organisation keeps the demo data clean.
/// </summary>
public sealed class PipelineBenchmark : IBenchmark
{
    public string Name => "pipeline";

    public string Summary => "inbound messages/s through the whole pipeline in-process, next to raw Npgsql inserts of the same rows";

    public string Usage => """
                   --connection CS    PostgreSQL connection string as the app role (default: ConnectionStrings__Default)
                   --concurrency N    parallel senders (default 8)
                   --seconds S        measured time of each phase (default 30)
                   --clients N        distinct client phones the messages come from (default 500)
                   --warmup S         unmeasured warm-up of the pipeline (default 10)
        """;

    public async Task<int> RunAsync(BenchmarkArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        var connection = args.GetString("connection", Environment.GetEnvironmentVariable("ConnectionStrings__Default") ?? "");
        var concurrency = args.GetInt("concurrency", 8, 1, 256);
        var seconds = args.GetInt("seconds", 30, 1, 3600);
        var clients = args.GetInt("clients", 500, 1, 1_000_000);
        var warmup = args.GetInt("warmup", 10, 0, 600);
        args.EnsureAllUsed();
        if (connection.Length == 0)
        {
            throw new ArgumentException("--connection or ConnectionStrings__Default is required.");
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = connection,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Agents:AutoReply"] = "false",
        });
        builder.AddSoulKgInfrastructure();
        builder.Services.AddDataProtection(); // Identity's token providers need it to sign up the benchmark's organisation
        using var host = builder.Build(); // not started: no hosted services, only the pipeline and what it calls

        var (orgId, channelId) = await NewOrgWithChannelAsync(host.Services, cancellationToken);
        var pipeline = host.Services.GetRequiredService<InboundPipeline>();
        await output.WriteLineAsync($"pipeline: org {orgId}, {concurrency} senders, {clients} client phones, {seconds} s per phase");

        var run = Guid.NewGuid().ToString("N")[..8];
        Func<int, long, CancellationToken, Task<bool>> receive = async (worker, i, ct) =>
        {
            var phone = Phone(worker, i, clients);
            var result = await pipeline.ReceiveAsync(orgId, new InboundMessage
            {
                ChannelId = channelId, ExternalId = $"bench_{run}_{worker}_{i}", ChatId = phone + "@c.us", SenderPhone = "+" + phone,
                SenderName = "Клиент " + phone[^4..], Text = "Здравствуйте! Хотим в июле на Иссык-Куль, нас 4. Сообщение " + i,
                SentAt = DateTimeOffset.UtcNow,
            }, ct);
            return result.Outcome == InboundOutcome.Stored;
        };
        // The first messages build EF's model, warm the connection pool and create the clients: not what is measured.
        await MeasureAsync(concurrency, TimeSpan.FromSeconds(warmup), (worker, i, ct) => receive(worker + concurrency, i, ct), cancellationToken);
        var piped = await MeasureAsync(concurrency, TimeSpan.FromSeconds(seconds), receive, cancellationToken);
        await output.WriteLineAsync(piped.ToLine("pipeline", "messages"));

        await using var dataSource = NpgsqlDataSource.Create(connection);
        Func<int, long, CancellationToken, Task<bool>> insert = async (worker, i, ct) =>
        {
            await using var db = await dataSource.OpenConnectionAsync(ct);
            await using var command = new NpgsqlCommand(
                "SELECT set_config('app.org_id', @org, false); " +
                "INSERT INTO inbound_envelopes (id, org_id, channel_id, external_id, payload, status, attempts, received_at, processed_at) " +
                "VALUES (@id, @orgId, @channel, @external, @payload::jsonb, 'Processed', 1, now(), now())", db);
            command.Parameters.AddWithValue("org", orgId.ToString());
            command.Parameters.AddWithValue("id", Guid.CreateVersion7());
            command.Parameters.AddWithValue("orgId", orgId);
            command.Parameters.AddWithValue("channel", channelId);
            command.Parameters.AddWithValue("external", $"raw_{run}_{worker}_{i}");
            command.Parameters.AddWithValue("payload", "{\"text\":\"Здравствуйте! Хотим в июле на Иссык-Куль, нас 4.\",\"chatId\":\"" + Phone(worker, i, clients) + "@c.us\"}");
            await command.ExecuteNonQueryAsync(ct);
            return true;
        };
        await MeasureAsync(concurrency, TimeSpan.FromSeconds(Math.Min(warmup, 3)), (worker, i, ct) => insert(worker + concurrency, i, ct), cancellationToken);
        var raw = await MeasureAsync(concurrency, TimeSpan.FromSeconds(seconds), insert, cancellationToken);
        await output.WriteLineAsync(raw.ToLine("raw insert", "messages"));

        var share = StoredPerSecond(raw) > 0 ? StoredPerSecond(piped) / StoredPerSecond(raw) : 0;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"pipeline / raw = {share:P0}; target >= 2000 msg/s: {(StoredPerSecond(piped) >= 2000 ? "met" : "NOT met")}; target >= 50% of raw: {(share >= 0.5 ? "met" : "NOT met")}"));
        return piped.Failed == 0 ? 0 : 1;
    }

    /// <summary>A Kyrgyz mobile number per (worker, message): the same few hundred clients write again and again, as in a real inbox.</summary>
    private static string Phone(int worker, long i, int clients) =>
        "996700" + ((worker * 7919 + i) % clients).ToString("D6", CultureInfo.InvariantCulture);

    private static async Task<(Guid OrgId, Guid ChannelId)> NewOrgWithChannelAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var signUp = await scope.ServiceProvider.GetRequiredService<SignUpService>().SignUpAsync(
            new SignUpRequest("Pipeline bench " + Guid.NewGuid().ToString("N")[..6], "Bench", $"bench-{Guid.NewGuid():N}@bench.soulkg.kg", "Passw0rd!"), ct);
        if (!signUp.Succeeded)
        {
            throw new BenchmarkFailedException("sign-up failed: " + string.Join("; ", signUp.Errors.SelectMany(e => e.Value)));
        }

        scope.ServiceProvider.GetRequiredService<OrgContext>().SetUser(signUp.OrgId!.Value, signUp.UserId!.Value, OrgRole.Owner, "Bench");
        // A sandbox channel that is never started: the pipeline only needs it to exist; no browser is involved.
        var channel = await scope.ServiceProvider.GetRequiredService<ChannelService>().CreateAsync("Pipeline bench", ChannelMode.Sandbox, ct: ct);
        return (signUp.OrgId.Value, channel.Id);
    }

    /// <summary>Runs <paramref name="send"/> in <paramref name="concurrency"/> loops for <paramref name="duration"/>; a false result is a failure.</summary>
    private static async Task<LatencySummary> MeasureAsync(int concurrency, TimeSpan duration, Func<int, long, CancellationToken, Task<bool>> send, CancellationToken ct)
    {
        var recorder = new LatencyRecorder();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var shard = recorder.CreateShard();
            for (long i = 0; clock.Elapsed < duration && !ct.IsCancellationRequested; i++)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    if (await send(worker, i, ct))
                    {
                        shard.RecordSuccess(Stopwatch.GetTimestamp() - start);
                    }
                    else
                    {
                        shard.RecordFailure("not stored");
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    shard.RecordFailure(e.GetType().Name);
                }
            }
        }, ct)));
        return recorder.Summarize(clock.Elapsed);
    }

    private static double StoredPerSecond(LatencySummary summary) => summary.Succeeded / summary.Window.TotalSeconds;
}
