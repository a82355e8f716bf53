using System.Text.Json;
using System.Threading.Channels;
using Channel = System.Threading.Channels.Channel;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Notifications;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.WhatsApp.Sandbox;

namespace SoulKg.Infrastructure.WhatsApp;

/// <summary>What the admin screen shows of a running channel beyond its persisted state.</summary>
public sealed record SessionStatus(ChannelState State, string? Qr, bool QrIdle, string? BridgeVersion, long? RssBytes, int Restarts);

/// <summary>What a session needs from the app; one instance shared by all sessions.</summary>
internal sealed record SessionServices(
    IPlaywright Playwright,
    WhatsAppOptions Options,
    string ProfilesPath,
    string BridgeScript,
    ChannelStateStore Store,
    InboundPipeline Inbound,
    MessageStatusService Statuses,
    INotifier Notifier,
    SandboxServer Sandbox,
    TimeProvider Clock,
    Action<Guid, Guid> OnStatusChanged,
    ILogger Logger);

/// <summary>
/// One channel's persistent Chromium context: launches it on the channel's profile, injects the bridge before the first
/// navigation, turns bridge events into state changes, inbound messages and acks, and restarts the browser with backoff
/// when it crashes or hangs. The same code drives the real WhatsApp Web and the sandbox; only the routing differs.
/// </summary>
internal sealed class WhatsAppSession(HostedChannel channel, SessionServices s)
{
    private const string BindingName = "__soulkgEmit";
    private readonly System.Threading.Channels.Channel<string> _events = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<string> _checkedChats = [];
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private IBrowserContext? _context;
    private IPage? _page;
    private TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _run;
    private Task? _processor;
    private bool _terminal;
    private bool _wipeProfile;
    private DateTimeOffset? _readySince;
    private string? _reason;

    // The first state of every launch is written even when it equals the remembered one (the row may say otherwise).
    private bool _forceWrite = true;

    public Guid ChannelId => channel.ChannelId;
    public Guid OrgId => channel.OrgId;
    public ChannelState State { get; private set; } = channel.State;
    public string? Qr { get; private set; }
    public bool QrIdle { get; private set; }
    public string? BridgeVersion { get; private set; }
    public int Restarts { get; private set; }

    /// <summary>The last bridge event taken (and a tick once handled): the first thing to look at when a channel seems stuck.</summary>
    public string? LastEvent { get; private set; }
    public bool Finished => _run?.IsCompleted ?? false;
    public string ProfileDir { get; } = Path.Combine(s.ProfilesPath, channel.ChannelId.ToString("N"));

    public SessionStatus Status() => new(State, State == ChannelState.WaitingForQr ? Qr : null, QrIdle, BridgeVersion, RssBytes(), Restarts);

    public long? RssBytes() => ChromiumProcesses.FindBrowser(ProfileDir) is { } pid ? ChromiumProcesses.TreeRssBytes(pid) : null;

    public void Start()
    {
        _processor = Task.Run(() => ProcessEventsAsync(_stop.Token));
        _run = Task.Run(() => RunAsync(_stop.Token));
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await (_run ?? Task.CompletedTask);
        }
        catch (OperationCanceledException)
        {
        }

        _events.Writer.TryComplete();
        try
        {
            await (_processor ?? Task.CompletedTask);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Kills the browser process (tests and the benchmark use this to play a crash).</summary>
    public bool KillBrowser()
    {
        if (ChromiumProcesses.FindBrowser(ProfileDir) is not { } pid)
        {
            return false;
        }

        ChromiumProcesses.KillTree(pid);
        return true;
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var delay = s.Options.FirstRestartDelay;
        while (!ct.IsCancellationRequested)
        {
            string why;
            try
            {
                why = await RunOnceAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                s.Logger.LogWarning(e, "WhatsApp browser of channel {ChannelId} failed", ChannelId);
                why = e.Message;
            }

            await CloseBrowserAsync();
            if (_terminal || ct.IsCancellationRequested)
            {
                break;
            }

            // A channel that stayed Ready for a while starts again from the first delay; one that keeps dying waits longer.
            if (_readySince is { } since && s.Clock.GetUtcNow() - since > TimeSpan.FromMinutes(1))
            {
                delay = s.Options.FirstRestartDelay;
            }

            Restarts++;
            await SetStateAsync(ChannelState.Disconnected, why, $"Браузер перезапускается через {delay.TotalSeconds:0.#} с: {why}", ct: ct);
            await Task.Delay(delay, ct);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, s.Options.MaxRestartDelay.Ticks));
        }

        await CloseBrowserAsync();
        if (_wipeProfile)
        {
            WipeProfile();
        }
    }

    /// <summary>Runs the browser until it crashes, hangs or the channel ends; returns why it stopped.</summary>
    private async Task<string> RunOnceAsync(CancellationToken ct)
    {
        _ended = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _readySince = null;
        _forceWrite = true;
        if (State is not (ChannelState.Disconnected or ChannelState.Conflict))
        {
            await SetStateAsync(ChannelState.Starting, null, "Запуск браузера", ct: ct);
        }

        if (channel.Mode == ChannelMode.Sandbox && !s.Sandbox.Enabled)
        {
            await FailAsync("Песочница WhatsApp выключена в этой конфигурации (WhatsApp:SandboxEnabled).", ct);
            return "sandbox disabled";
        }

        Directory.CreateDirectory(ProfileDir);
        RemoveStaleLocks();
        var context = await s.Playwright.Chromium.LaunchPersistentContextAsync(ProfileDir, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = s.Options.ChromiumPath,
            Headless = s.Options.Headless,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-extensions", "--mute-audio", "--renderer-process-limit=2"],
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Locale = "ru-RU",
        });
        _context = context;
        var ended = _ended;
        context.Close += (_, _) => ended.TrySetResult("браузер закрылся (упал или был убит)");
        await context.ExposeBindingAsync(BindingName, (BindingSource _, string json) => { _events.Writer.TryWrite(json); });
        await context.AddInitScriptAsync(s.BridgeScript);
        if (channel.Mode == ChannelMode.Sandbox)
        {
            await s.Sandbox.AttachAsync(context, ChannelId);
        }

        var page = context.Pages.FirstOrDefault() ?? await context.NewPageAsync();
        _page = page;
        page.Crash += (_, _) => ended.TrySetResult("страница упала");
        await page.GotoAsync(s.Options.Url, new PageGotoOptions { Timeout = 60_000 });

        var misses = 0;
        while (true)
        {
            var tick = Task.Delay(s.Options.WatchdogInterval, ct);
            if (await Task.WhenAny(ended.Task, tick) == ended.Task)
            {
                return await ended.Task;
            }

            ct.ThrowIfCancellationRequested();
            misses = await PingAsync(page) ? 0 : misses + 1;
            if (misses >= 2)
            {
                return "страница не отвечает (watchdog)";
            }
        }
    }

    private async Task<bool> PingAsync(IPage page)
    {
        try
        {
            var ping = page.EvaluateAsync<bool>("() => !!(window.__soulkg && window.__soulkg.ping())");
            return await Task.WhenAny(ping, Task.Delay(s.Options.WatchdogTimeout)) == ping && await ping;
        }
        catch (PlaywrightException)
        {
            return false;
        }
    }

    private async Task CloseBrowserAsync()
    {
        var context = _context;
        _context = null;
        _page = null;
        if (context is null)
        {
            return;
        }

        try
        {
            var close = context.CloseAsync();
            if (await Task.WhenAny(close, Task.Delay(TimeSpan.FromSeconds(10))) != close)
            {
                KillBrowser();
            }
        }
        catch (PlaywrightException)
        {
            KillBrowser();
        }
    }

    /// <summary>A crash leaves Chromium's profile lock behind; we hold the channel's lease, so nobody else uses the profile.</summary>
    private void RemoveStaleLocks()
    {
        foreach (var name in new[] { "SingletonLock", "SingletonSocket", "SingletonCookie" })
        {
            var path = Path.Combine(ProfileDir, name);
            try
            {
                // The lock is a dangling symlink after a crash, which File.Exists does not see.
                if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
                {
                    File.Delete(path);
                }
            }
            catch (IOException e)
            {
                s.Logger.LogWarning(e, "Could not remove {Path}", path);
            }
        }
    }

    private void WipeProfile()
    {
        try
        {
            if (Directory.Exists(ProfileDir))
            {
                Directory.Delete(ProfileDir, recursive: true);
            }
        }
        catch (IOException e)
        {
            s.Logger.LogWarning(e, "Could not wipe the profile of channel {ChannelId}", ChannelId);
        }
    }

    private async Task ProcessEventsAsync(CancellationToken ct)
    {
        await foreach (var json in _events.Reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                using var doc = JsonDocument.Parse(json);
                LastEvent = json.Length > 300 ? json[..300] : json;
                await HandleAsync(doc.RootElement, ct);
                LastEvent += " ✓";
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                s.Logger.LogError(e, "Bridge event of channel {ChannelId} failed: {Json}", ChannelId, json.Length > 500 ? json[..500] : json);
                await LogQuietlyAsync("Событие моста не обработано: " + e.Message);
            }
        }
    }

    private async Task LogQuietlyAsync(string text)
    {
        try
        {
            await s.Store.LogAsync(OrgId, ChannelId, text);
        }
        catch (Exception e)
        {
            s.Logger.LogWarning(e, "Channel event log write failed");
        }
    }

    private async Task HandleAsync(JsonElement e, CancellationToken ct)
    {
        // After a logout or a failure the page keeps talking (it shows a fresh QR right after unlinking): those events
        // must not overwrite LoggedOut/Failed, which tell the admin what happened and what to do.
        if (_terminal)
        {
            return;
        }

        switch (Str(e, "type"))
        {
            case "bridge_ready":
                BridgeVersion = Str(e, "version");
                var missing = e.TryGetProperty("missing", out var list) ? list.EnumerateArray().Select(x => x.GetString()).ToList() : [];
                if (missing.Count > 0)
                {
                    await FailAsync($"Страница WhatsApp изменилась: не найдены модули {string.Join(", ", missing)} (мост {BridgeVersion}).", ct);
                }
                else
                {
                    await s.Store.LogAsync(OrgId, ChannelId, $"Мост {BridgeVersion} подключён", ct);
                }

                break;
            case "state":
                await OnSocketStateAsync(Str(e, "state"), ct);
                break;
            case "qr":
                Qr = Str(e, "qr");
                QrIdle = e.TryGetProperty("idle", out var idle) && idle.GetBoolean();
                if (State != ChannelState.WaitingForQr)
                {
                    await SetStateAsync(ChannelState.WaitingForQr, null, "Ждём сканирования QR", ct: ct);
                }

                s.OnStatusChanged(OrgId, ChannelId);
                break;
            case "synced":
                var me = Str(e, "me");
                var phone = me is not null && me.EndsWith("@c.us", StringComparison.Ordinal) ? "+" + me[..me.IndexOf('@', StringComparison.Ordinal)] : null;
                Qr = null;
                _readySince = s.Clock.GetUtcNow();
                await SetStateAsync(ChannelState.Ready, null, "Подключено, история синхронизирована", phone, ct);
                break;
            case "message":
                await OnMessageAsync(e, ct);
                break;
            case "ack":
                await OnAckAsync(e, ct);
                break;
            case "logout":
                await OnLogoutAsync(ct);
                break;
            case "error":
                await s.Store.LogAsync(OrgId, ChannelId, "Ошибка моста: " + Str(e, "message"), ct);
                break;
        }
    }

    private async Task OnSocketStateAsync(string? state, CancellationToken ct)
    {
        switch (state)
        {
            case "UNPAIRED":
                QrIdle = false;
                await SetStateAsync(ChannelState.WaitingForQr, null, "Ждём сканирования QR", ct: ct);
                break;
            case "UNPAIRED_IDLE":
                QrIdle = true;
                await SetStateAsync(ChannelState.WaitingForQr, "QR больше не обновляется: нажмите «Обновить QR»", "QR перестал обновляться", ct: ct);
                break;
            case "PAIRING":
                Qr = null;
                await SetStateAsync(ChannelState.Pairing, null, "Телефон отсканировал QR, связываемся", ct: ct);
                break;
            case "CONNECTED":
                if (State != ChannelState.Ready)
                {
                    await SetStateAsync(ChannelState.Syncing, null, "Соединение есть, синхронизируем историю", ct: ct);
                }

                break;
            case "CONFLICT":
                await SetStateAsync(ChannelState.Conflict, "WhatsApp Web открыт в другом месте", "Сессию забрали: WhatsApp Web открыт в другом месте", ct: ct);
                break;
            case "TIMEOUT" or "UNLAUNCHED" or "PROXYBLOCK":
                await SetStateAsync(ChannelState.Disconnected, state, $"Нет соединения ({state})", ct: ct);
                break;
            case "DEPRECATED_VERSION":
                await FailAsync("WhatsApp Web сообщает об устаревшей версии (DEPRECATED_VERSION).", ct);
                break;
        }
    }

    private async Task OnMessageAsync(JsonElement e, CancellationToken ct)
    {
        var id = Str(e, "id");
        var chatId = Str(e, "chatId");
        if (id is null || chatId is null || (e.TryGetProperty("fromMe", out var fromMe) && fromMe.GetBoolean()))
        {
            return;
        }

        var isGroup = chatId.EndsWith("@g.us", StringComparison.Ordinal);
        var sender = isGroup ? Str(e, "author") : Str(e, "from") ?? chatId;
        var senderPn = Str(e, "senderPn");
        var phoneId = sender is not null && sender.EndsWith("@c.us", StringComparison.Ordinal) ? sender : senderPn;
        await s.Inbound.ReceiveAsync(OrgId, new InboundMessage
        {
            ChannelId = ChannelId, ExternalId = id, ChatId = chatId, IsGroup = isGroup,
            SenderPhone = phoneId is null ? null : "+" + phoneId[..phoneId.IndexOf('@', StringComparison.Ordinal)],
            SenderLid = sender is not null && sender.EndsWith("@lid", StringComparison.Ordinal) ? sender : null,
            SenderName = Str(e, "notifyName"), Text = Str(e, "body") ?? "",
            SentAt = e.TryGetProperty("t", out var t) && t.ValueKind == JsonValueKind.Number ? DateTimeOffset.FromUnixTimeSeconds(t.GetInt64()) : s.Clock.GetUtcNow(),
        }, ct);
    }

    private async Task OnAckAsync(JsonElement e, CancellationToken ct)
    {
        if (Str(e, "id") is not { } id || !e.TryGetProperty("ack", out var ackValue))
        {
            return;
        }

        MessageStatus? status = ackValue.GetInt32() switch
        {
            -1 => MessageStatus.Failed,
            1 => MessageStatus.Sent,
            2 => MessageStatus.Delivered,
            3 or 4 => MessageStatus.Read,
            _ => null,
        };
        if (status is { } known)
        {
            var error = known == MessageStatus.Failed ? "WhatsApp не доставил сообщение" : null;
            if (!await s.Statuses.AckAsync(OrgId, ChannelId, id, known, error, ct))
            {
                // WhatsApp acks within milliseconds, often before the outbox dispatcher has stored the message's id:
                // an ack that finds nothing is tried again for a while instead of being lost.
                _ = RetryAckAsync(id, known, error, ct);
            }
        }
    }

    private async Task RetryAckAsync(string id, MessageStatus status, string? error, CancellationToken ct)
    {
        try
        {
            for (var attempt = 0; attempt < 40; attempt++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
                if (await s.Statuses.AckAsync(OrgId, ChannelId, id, status, error, ct))
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or Npgsql.NpgsqlException or ObjectDisposedException)
        {
            s.Logger.LogDebug(e, "Ack {Status} for {MessageId} not applied", status, id);
        }
    }

    private async Task OnLogoutAsync(CancellationToken ct)
    {
        _terminal = true;
        _wipeProfile = true;
        Qr = null;
        await SetStateAsync(ChannelState.LoggedOut, "Телефон отвязал это устройство", "Выход из WhatsApp на телефоне: нужен новый QR", ct: ct);
        await s.Notifier.NotifyAsync(new Notice(OrgId, NoticeKind.ChannelNeedsQr, NoticeAudience.Admins, "WhatsApp отвязан от телефона",
            "Канал больше не получает и не отправляет сообщения. Привяжите его заново по QR в Настройки → Каналы.", "/settings/channels"), ct);
        _ended.TrySetResult("logout");
    }

    private async Task FailAsync(string reason, CancellationToken ct)
    {
        _terminal = true;
        await SetStateAsync(ChannelState.Failed, reason, reason, ct: ct);
        await s.Notifier.NotifyAsync(new Notice(OrgId, NoticeKind.ChannelFailed, NoticeAudience.Admins, "Канал WhatsApp остановлен", reason, "/settings/channels"), ct);
        _ended.TrySetResult("failed");
    }

    private async Task SetStateAsync(ChannelState state, string? reason, string text, string? phone = null, CancellationToken ct = default)
    {
        if (State == state && _reason == reason && !_forceWrite)
        {
            return;
        }

        _forceWrite = false;
        State = state;
        _reason = reason;
        await s.Store.SetStateAsync(OrgId, ChannelId, state, reason, text, phone, ct);
        s.OnStatusChanged(OrgId, ChannelId);
    }

    public async Task<T> CommandAsync<T>(string expression, object? arg = null)
    {
        var page = _page ?? throw new InvalidOperationException("Браузер канала не запущен.");
        return await page.EvaluateAsync<T>(expression, arg);
    }

    public async Task<SendResult> SendTextAsync(string chatId, string text, string key, CancellationToken ct)
    {
        if (State != ChannelState.Ready)
        {
            return SendResult.Failed($"Канал не готов ({State}).");
        }

        await _sendLock.WaitAsync(ct);
        try
        {
            if (chatId.EndsWith("@c.us", StringComparison.Ordinal) && !_checkedChats.Contains(chatId))
            {
                var check = await CommandAsync<JsonElement>("id => window.__soulkg.checkNumber(id)", chatId);
                if (!check.GetProperty("exists").GetBoolean())
                {
                    return SendResult.Failed("У этого номера нет WhatsApp.", retryable: false);
                }

                _checkedChats.Add(chatId);
            }

            var sent = await CommandAsync<JsonElement>("a => window.__soulkg.sendText(a[0], a[1], a[2])", new[] { chatId, text, key });
            return SendResult.Sent(sent.GetProperty("id").GetString()!);
        }
        catch (PlaywrightException e)
        {
            return SendResult.Failed(e.Message.Split('\n')[0]);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async Task SetTypingAsync(string chatId, bool typing)
    {
        if (State == ChannelState.Ready)
        {
            try
            {
                await CommandAsync<bool>("a => window.__soulkg.setTyping(a[0], a[1])", new object[] { chatId, typing });
            }
            catch (PlaywrightException e)
            {
                s.Logger.LogDebug(e, "Typing state not set");
            }
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
