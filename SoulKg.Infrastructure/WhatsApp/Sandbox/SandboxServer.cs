using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using SoulKg.Domain;

namespace SoulKg.Infrastructure.WhatsApp.Sandbox;

/// <summary>One message as the sandbox phone shows it.</summary>
public sealed record PhoneMessage(string Id, string ChatId, bool FromClient, string Text, DateTimeOffset At, int Ack);

/// <summary>
/// The sandbox's "WhatsApp server" (dev and tests only). It serves the emulated WhatsApp Web at the real URL through
/// Playwright routing of the channel's browser context, and everything the emulated page asks of its server goes
/// through the same routing (<c>https://web.whatsapp.com/__sandbox/*</c>): the page long-polls for pushes (a phone
/// scanning the QR, client messages, receipts, control commands) and posts what it sends. The control surface (the phone
/// page, tests) only queues pushes here, so it works the same whether the page is up, restarting or down: a client
/// message sent during a browser outage waits here, like on the real server, and arrives when the page reconnects.
/// </summary>
public sealed class SandboxServer(IOptions<WhatsAppOptions> options, IHostEnvironment environment, TimeProvider clock)
{
    /// <summary>The business phone that scans the QR, unless a test says otherwise.</summary>
    public const string DefaultBusinessId = "996700000001@c.us";

    private static readonly string Html = Resource("sandbox.html");
    private static readonly string Script = Resource("sandbox.js");
    private readonly ConcurrentDictionary<Guid, Server> _servers = new();

    /// <summary>Switched on by <c>WhatsApp:SandboxEnabled</c>, and never in the Production environment.</summary>
    public bool Enabled => options.Value.SandboxEnabled && !environment.IsProduction();

    /// <summary>Raised (with the channel id) whenever the phone's view of a channel changes.</summary>
    public event Action<Guid>? Changed;

    public async Task AttachAsync(IBrowserContext context, Guid channelId)
    {
        EnsureEnabled();
        var origin = new Uri(options.Value.Url).GetLeftPart(UriPartial.Authority);
        await context.RouteAsync(url => url.StartsWith(origin, StringComparison.OrdinalIgnoreCase), route => HandleAsync(route, channelId));
    }

    public IReadOnlyList<PhoneMessage> Messages(Guid channelId)
    {
        var server = Get(channelId);
        lock (server)
        {
            return server.Messages.ToList();
        }
    }

    public bool IsTyping(Guid channelId, string chatId)
    {
        var server = Get(channelId);
        lock (server)
        {
            return server.Typing.Contains(chatId);
        }
    }

    /// <summary>The phone scans a QR string (as shown on the admin's screen); a stale one is ignored by the page.</summary>
    public void Scan(Guid channelId, string qr, string businessId = DefaultBusinessId) =>
        Push(channelId, new JsonObject { ["type"] = "scan", ["qr"] = qr, ["me"] = businessId });

    public void RotateQr(Guid channelId) => Push(channelId, new JsonObject { ["type"] = "rotate" });

    /// <summary>A client writes to the business: <paramref name="from"/> is a phone (+996…) or a linked id (…@lid).</summary>
    public string SendFromClient(Guid channelId, string from, string? name, string text, bool ciphertextFirst = false)
    {
        EnsureEnabled();
        if (string.IsNullOrWhiteSpace(text) || text.Length > 4000)
        {
            throw DomainException.Invalid("text", "Сообщение: от 1 до 4000 символов.");
        }

        var chatId = ChatIdOf(from);
        var id = $"false_{chatId}_3EB0{Guid.NewGuid().ToString("N")[..16].ToUpperInvariant()}";
        var now = clock.GetUtcNow();
        var server = Get(channelId);
        lock (server)
        {
            server.Messages.Add(new PhoneMessage(id, chatId, true, text, now, 1));
        }

        var payload = new JsonObject
        {
            ["type"] = "message", ["id"] = id, ["chatId"] = chatId, ["name"] = name, ["body"] = text, ["t"] = now.ToUnixTimeSeconds(),
            ["ciphertext"] = ciphertextFirst, ["senderPn"] = chatId.EndsWith("@c.us", StringComparison.Ordinal) ? chatId : null,
        };
        lock (server)
        {
            server.Delivered[id] = payload.ToJsonString();
        }

        Push(channelId, payload);
        return id;
    }

    /// <summary>
    /// The server delivers a client message again (WhatsApp does after a reconnect): the page announces the same id a
    /// second time. False when the sandbox never delivered that id.
    /// </summary>
    public bool Redeliver(Guid channelId, string messageId)
    {
        var server = Get(channelId);
        string? json;
        lock (server)
        {
            server.Delivered.TryGetValue(messageId, out json);
        }

        if (json is null)
        {
            return false;
        }

        var payload = JsonNode.Parse(json)!.AsObject();
        payload["again"] = true;
        payload["ciphertext"] = false;
        Push(channelId, payload);
        return true;
    }

    /// <summary>The client's phone has shown the business's messages in this chat: read receipts (blue ticks) go back.</summary>
    public void MarkRead(Guid channelId, string chatId)
    {
        var server = Get(channelId);
        List<string> ids;
        lock (server)
        {
            ids = [];
            for (var i = 0; i < server.Messages.Count; i++)
            {
                var message = server.Messages[i];
                if (!message.FromClient && message.ChatId == chatId && message.Ack < 3)
                {
                    server.Messages[i] = message with { Ack = 3 };
                    ids.Add(message.Id);
                }
            }
        }

        foreach (var id in ids)
        {
            Ack(channelId, id, 3);
        }
    }

    public void Ack(Guid channelId, string messageId, int ack) => Push(channelId, new JsonObject { ["type"] = "ack", ["id"] = messageId, ["ack"] = ack });

    /// <summary>Sets the page's socket state, e.g. CONFLICT (another WhatsApp Web took the session) or TIMEOUT.</summary>
    public void SetSocketState(Guid channelId, string state) => Push(channelId, new JsonObject { ["type"] = "state", ["state"] = state });

    /// <summary>The phone unlinks this device (Linked devices → Log out).</summary>
    public void Logout(Guid channelId) => Push(channelId, new JsonObject { ["type"] = "logout" });

    public void FailSends(Guid channelId, bool on)
    {
        var server = Get(channelId);
        lock (server)
        {
            server.FailSends = on;
        }

        Push(channelId, new JsonObject { ["type"] = "failSends", ["on"] = on });
    }

    /// <summary>The next page load lacks this module, as when the real site renames one. Null repairs all.</summary>
    public void BreakModule(Guid channelId, string? module)
    {
        EnsureEnabled();
        var server = Get(channelId);
        lock (server)
        {
            if (module is null)
            {
                server.Broken.Clear();
            }
            else
            {
                server.Broken.Add(module);
            }
        }
    }

    /// <summary>Numbers the sandbox's WhatsApp does not know (the number check answers "no WhatsApp").</summary>
    public void MarkWithoutWhatsApp(Guid channelId, string phone)
    {
        var server = Get(channelId);
        lock (server)
        {
            server.Unregistered.Add(ChatIdOf(phone));
        }
    }

    public static string ChatIdOf(string from)
    {
        from = from.Trim();
        if (from.EndsWith("@lid", StringComparison.Ordinal) || from.EndsWith("@c.us", StringComparison.Ordinal))
        {
            return from;
        }

        var digits = Phones.DigitsOf(from);
        if (digits.Length is < 8 or > 15)
        {
            throw DomainException.Invalid("from", "Номер телефона (+996…) или linked id (…@lid).");
        }

        return digits + "@c.us";
    }

    private void EnsureEnabled()
    {
        if (!Enabled)
        {
            throw new InvalidOperationException("The WhatsApp sandbox is disabled in this configuration (WhatsApp:SandboxEnabled, never in Production).");
        }
    }

    private Server Get(Guid channelId)
    {
        EnsureEnabled();
        return _servers.GetOrAdd(channelId, _ => new Server());
    }

    private void Push(Guid channelId, JsonObject payload)
    {
        var server = Get(channelId);
        TaskCompletionSource wake;
        lock (server)
        {
            payload["seq"] = ++server.Seq;
            server.Queue.Add((server.Seq, payload.ToJsonString()));
            wake = server.Wake;
            server.Wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        wake.TrySetResult();
        Changed?.Invoke(channelId);
    }

    private async Task HandleAsync(IRoute route, Guid channelId)
    {
        try
        {
            await ServeAsync(route, channelId);
        }
        catch (PlaywrightException)
        {
            // The page went away or gave up on the request (an aborted long poll): nothing to answer.
        }
    }

    private async Task ServeAsync(IRoute route, Guid channelId)
    {
        var request = route.Request;
        var url = new Uri(request.Url);
        var server = Get(channelId);
        switch (url.AbsolutePath)
        {
            case "/":
                string config;
                lock (server)
                {
                    config = JsonSerializer.Serialize(new
                    {
                        channelId, broken = server.Broken.ToArray(), failSends = server.FailSends,
                        qrRotateMs = options.Value.SandboxQrRotateSeconds * 1000, qrRotations = options.Value.SandboxQrRotations,
                    });
                }

                await route.FulfillAsync(new() { Status = 200, ContentType = "text/html; charset=utf-8", Body = Html.Replace("/*CONFIG*/{}", config, StringComparison.Ordinal) });
                return;
            case "/__sandbox/app.js":
                await route.FulfillAsync(new() { Status = 200, ContentType = "application/javascript; charset=utf-8", Body = Script });
                return;
            case "/__sandbox/poll":
                await route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = await PollAsync(server, url) });
                return;
            case "/__sandbox/sent":
                await route.FulfillAsync(Sent(channelId, server, request.PostData));
                return;
            case "/__sandbox/typing":
                Typing(channelId, server, request.PostData);
                await route.FulfillAsync(new() { Status = 204 });
                return;
            case "/__sandbox/exists":
                await route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = Exists(server, request.PostData) });
                return;
            case "/__sandbox/logout":
                await route.FulfillAsync(new() { Status = 204 });
                return;
            default:
                await route.FulfillAsync(new() { Status = 404, Body = "not part of the sandbox" });
                return;
        }
    }

    /// <summary>What is queued after the page's last seen number; waits a little when nothing is (a long poll).</summary>
    private static async Task<string> PollAsync(Server server, Uri url)
    {
        var query = System.Web.HttpUtility.ParseQueryString(url.Query);
        var after = long.TryParse(query["after"], out var a) ? a : 0;
        var wait = query["wait"] == "1";
        for (var round = 0; ; round++)
        {
            Task woken;
            lock (server)
            {
                server.Queue.RemoveAll(e => e.Seq <= after && after <= server.Seq);
                var due = server.Queue.Where(e => e.Seq > after || after > server.Seq).Select(e => e.Json).ToList();
                if (due.Count > 0 || !wait || round > 0)
                {
                    return "[" + string.Join(",", due) + "]";
                }

                woken = server.Wake.Task;
            }

            await Task.WhenAny(woken, Task.Delay(TimeSpan.FromSeconds(2)));
        }
    }

    private RouteFulfillOptions Sent(Guid channelId, Server server, string? body)
    {
        using var json = JsonDocument.Parse(body ?? "{}");
        var root = json.RootElement;
        var id = root.GetProperty("id").GetString()!;
        var to = root.GetProperty("to").GetString()!;
        lock (server)
        {
            if (server.FailSends)
            {
                return new() { Status = 503 };
            }

            if (server.Messages.All(m => m.Id != id))
            {
                server.Messages.Add(new PhoneMessage(id, to, false, root.GetProperty("body").GetString() ?? "", clock.GetUtcNow(), 2));
            }

            server.Typing.Remove(to);
        }

        // The client's phone got it: delivered (two grey ticks).
        Ack(channelId, id, 2);
        return new() { Status = 200, ContentType = "application/json", Body = "{\"ok\":true}" };
    }

    private void Typing(Guid channelId, Server server, string? body)
    {
        using var json = JsonDocument.Parse(body ?? "{}");
        var to = json.RootElement.GetProperty("to").GetString()!;
        lock (server)
        {
            if (json.RootElement.GetProperty("on").GetBoolean())
            {
                server.Typing.Add(to);
            }
            else
            {
                server.Typing.Remove(to);
            }
        }

        Changed?.Invoke(channelId);
    }

    private static string Exists(Server server, string? body)
    {
        using var json = JsonDocument.Parse(body ?? "{}");
        var id = json.RootElement.GetProperty("id").GetString() ?? "";
        lock (server)
        {
            return JsonSerializer.Serialize(new { exists = !server.Unregistered.Contains(id) });
        }
    }

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("SoulKg.WhatsApp." + name)
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private sealed class Server
    {
        public long Seq { get; set; }
        public List<(long Seq, string Json)> Queue { get; } = [];
        public TaskCompletionSource Wake { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public HashSet<string> Broken { get; } = [];
        public HashSet<string> Unregistered { get; } = [];
        public HashSet<string> Typing { get; } = [];
        public List<PhoneMessage> Messages { get; } = [];
        public Dictionary<string, string> Delivered { get; } = [];
        public bool FailSends { get; set; }
    }
}
