using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using SoulKg.Domain.Conversations;
using SoulKg.Web.Features.Channels;

namespace SoulKg.Benchmarks.Benchmarks;

/// <summary>
/// The admin's channel API (<c>/api/v1/channels</c>) as the WhatsApp benchmarks use it: find or create sandbox channels,
/// link them by "scanning" their QR, wait for states. The app must run with <c>WhatsApp:SandboxEnabled</c> and
/// <c>WhatsApp:Mode=Sandbox</c> (as <c>scripts/run.sh</c> does).
/// </summary>
public sealed class SandboxChannels(HttpClient api)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public async Task<IReadOnlyList<ChannelStatusResponse>> ListAsync(CancellationToken ct)
    {
        using var response = await api.GetAsync("api/v1/channels", ct);
        await EnsureAsync(response, "GET api/v1/channels", ct);
        return (await response.Content.ReadFromJsonAsync<List<ChannelStatusResponse>>(Json, ct))!;
    }

    public async Task<ChannelStatusResponse> GetAsync(Guid id, CancellationToken ct) =>
        (await ListAsync(ct)).FirstOrDefault(c => c.Id == id) ?? throw new BenchmarkFailedException($"channel {id} is gone");

    /// <summary>
    /// <paramref name="count"/> sandbox channels, Ready, the oldest first: existing sandbox channels are started and linked,
    /// new ones are created when there are fewer. <paramref name="onReady"/> runs after each one becomes Ready.
    /// </summary>
    public async Task<List<Guid>> EnsureReadyAsync(int count, Func<IReadOnlyList<Guid>, Task>? onReady, CancellationToken ct)
    {
        var ready = new List<Guid>();
        var existing = (await ListAsync(ct)).Where(c => c.Mode == ChannelMode.Sandbox).Select(c => c.Id).ToList();
        for (var i = 0; i < count; i++)
        {
            Guid id;
            if (i < existing.Count)
            {
                id = existing[i];
                var state = (await GetAsync(id, ct)).State;
                if (state is ChannelState.Stopped or ChannelState.Failed or ChannelState.LoggedOut)
                {
                    using var start = await api.PostAsync($"api/v1/channels/{id}/start", null, ct);
                    await EnsureAsync(start, "start", ct);
                }
            }
            else
            {
                using var created = await api.PostAsync("api/v1/channels", null, ct);
                await EnsureAsync(created, "POST api/v1/channels", ct);
                id = (await created.Content.ReadFromJsonAsync<IdOnly>(Json, ct))!.Id;
                if ((await GetAsync(id, ct)).Mode != ChannelMode.Sandbox)
                {
                    throw new BenchmarkFailedException("new channels are not sandbox channels: run the app with WhatsApp__Mode=Sandbox and WhatsApp__SandboxEnabled=true");
                }
            }

            await LinkAsync(id, ct);
            ready.Add(id);
            if (onReady is not null)
            {
                await onReady(ready);
            }
        }

        return ready;
    }

    /// <summary>Scans whatever QR the channel shows until it pairs; a channel whose profile is still linked goes Ready on its own.</summary>
    public async Task LinkAsync(Guid id, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var channel = await GetAsync(id, ct);
            if (channel.State == ChannelState.Ready)
            {
                return;
            }

            if (channel.State is ChannelState.Failed or ChannelState.LoggedOut or ChannelState.Stopped || deadline.Elapsed > TimeSpan.FromMinutes(3))
            {
                throw new BenchmarkFailedException($"channel {id} did not become Ready: {channel.State} ({channel.StateReason})");
            }

            if (channel.State == ChannelState.WaitingForQr)
            {
                using var scan = await api.PostAsync($"api/v1/channels/{id}/sandbox/scan", null, ct);
                if (scan.StatusCode != HttpStatusCode.Conflict)
                {
                    await EnsureAsync(scan, "scan", ct);
                }
            }

            await Task.Delay(1000, ct);
        }
    }

    /// <summary>A client message through the sandbox phone; returns its WhatsApp id (the stored message's external id).</summary>
    public async Task<string> SendFromClientAsync(Guid channelId, string from, string name, string text, CancellationToken ct)
    {
        using var response = await api.PostAsJsonAsync($"api/v1/channels/{channelId}/sandbox/messages", new SandboxMessageInput(from, name, text), Json, ct);
        await EnsureAsync(response, "sandbox message", ct);
        return (await response.Content.ReadFromJsonAsync<SandboxMessageSent>(Json, ct))!.ExternalId;
    }

    public static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new BenchmarkFailedException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    private sealed record IdOnly(Guid Id);
}
