using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.WhatsApp.Sandbox;
using SoulKg.Web.Infrastructure;

namespace SoulKg.Web.Features.Channels;

/// <summary>A channel with what this instance's host knows of it (null when another instance, or none, drives it).</summary>
public sealed record ChannelStatusResponse(
    Guid Id, string Name, ChannelMode Mode, ChannelState State, string? StateReason, DateTimeOffset StateChangedAt, string? Phone,
    bool DrivenHere, long? BrowserMemoryBytes, int? Restarts, string? BridgeVersion);

/// <summary>A client message the sandbox phone sends: <c>from</c> is a phone (+996…) or a linked id (…@lid).</summary>
public sealed record SandboxMessageInput(string From, string? Name, string Text);

public sealed record SandboxMessageSent(string ExternalId);

public sealed class SandboxMessageInputValidator : AbstractValidator<SandboxMessageInput>
{
    public SandboxMessageInputValidator()
    {
        RuleFor(x => x.From).NotEmpty().MaximumLength(64).WithMessage("Номер (+996…) или linked id (…@lid), до 64 символов.");
        RuleFor(x => x.Name).MaximumLength(100);
        RuleFor(x => x.Text).NotEmpty().MaximumLength(4000).WithMessage("Сообщение: от 1 до 4000 символов.");
    }
}

/// <summary>
/// The channels of the organisation for admins (<see cref="Permissions.ManageChannels"/>): states, browser memory, start,
/// stop, a diagnostic browser kill, and — only where the sandbox is enabled, never in Production — the sandbox phone's
/// scan and client messages, so scripts and the benchmarks drive the same path the phone page does.
/// </summary>
public static class ChannelsEndpoints
{
    public static void MapChannelsEndpoints(this RouteGroupBuilder api)
    {
        var channels = api.MapGroup("/channels").WithTags("Channels").RequireAuthorization(Permissions.ManageChannels)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        channels.MapGet("/", ListAsync)
            .WithSummary("The organisation's channels: state, reason, phone, and the browser's memory (PSS of Chromium and its children) when this instance drives it");
        channels.MapPost("/", async (ChannelAdminService admin, CancellationToken ct) =>
            {
                var channel = await admin.ConnectNewAsync(ct);
                return TypedResults.Created($"/api/v1/channels/{channel.Id}", channel);
            })
            .WithSummary("\"Подключить WhatsApp\": a new channel in the configured mode (WhatsApp:Mode), started at once; its QR appears on the admin screen");
        channels.MapPost("/{id:guid}/start", (Guid id, ChannelAdminService admin, CancellationToken ct) => MoveAsync(id, admin, admin.StartAsync, ct))
            .WithSummary("Start a stopped channel, restart a failed one, relink a logged-out one; 409 in any other state")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        channels.MapPost("/{id:guid}/stop", (Guid id, ChannelAdminService admin, CancellationToken ct) => MoveAsync(id, admin, admin.StopAsync, ct))
            .WithSummary("Stop a running channel (the host closes its browser); 409 when it is not running")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        channels.MapPost("/{id:guid}/browser/kill", KillAsync)
            .WithSummary("Diagnostics: kill the channel's Chromium as a crash would; the host restarts it with backoff. 409 when this instance runs no browser for it")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        var sandbox = channels.MapGroup("/{id:guid}/sandbox").WithTags("Channels (sandbox)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        sandbox.MapPost("/scan", ScanAsync)
            .WithSummary("Sandbox only: the phone scans the QR the channel shows now; 409 when none is shown")
            .ProducesProblem(StatusCodes.Status409Conflict);
        sandbox.MapPost("/messages", SendAsync)
            .WithSummary("Sandbox only: a client writes to the business (queued on the sandbox server; arrives through the channel's browser like a real message)")
            .ProducesValidationProblem();
    }

    private static async Task<Ok<IReadOnlyList<ChannelStatusResponse>>> ListAsync(ChannelAdminService admin, CancellationToken ct)
    {
        var list = new List<ChannelStatusResponse>();
        foreach (var c in await admin.ListAsync(ct))
        {
            var live = await admin.StatusAsync(c.Id, ct);
            list.Add(new ChannelStatusResponse(c.Id, c.Name, c.Mode, c.State, c.StateReason, c.StateChangedAt, c.Phone,
                live is not null, live?.RssBytes, live?.Restarts, live?.BridgeVersion));
        }

        return TypedResults.Ok<IReadOnlyList<ChannelStatusResponse>>(list);
    }

    private static async Task<Results<Ok<ChannelItem>, ProblemHttpResult>> MoveAsync(
        Guid id, ChannelAdminService admin, Func<Guid, CancellationToken, Task<bool>> move, CancellationToken ct)
    {
        var moved = await move(id, ct);
        return await admin.GetAsync(id, ct) is not { } channel ? ApiProblems.NotFound("Канал не найден.")
            : moved ? TypedResults.Ok(channel)
            : Conflict($"В состоянии {channel.State} этого сделать нельзя.");
    }

    private static async Task<Results<Accepted, ProblemHttpResult>> KillAsync(Guid id, ChannelAdminService admin, CancellationToken ct)
    {
        if (await admin.GetAsync(id, ct) is null)
        {
            return ApiProblems.NotFound("Канал не найден.");
        }

        return await admin.KillBrowserAsync(id, ct)
            ? TypedResults.Accepted($"/api/v1/channels/{id}")
            : Conflict("Этот экземпляр не запускал браузер канала (канал остановлен, перезапускается или работает на другом экземпляре).");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ScanAsync(Guid id, ChannelAdminService admin, SandboxServer sandbox, CancellationToken ct)
    {
        if (!await IsSandboxChannelAsync(id, admin, sandbox, ct))
        {
            return SandboxNotFound();
        }

        if ((await admin.StatusAsync(id, ct))?.Qr is not { } qr)
        {
            return Conflict("Канал сейчас не показывает QR.");
        }

        sandbox.Scan(id, qr);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<SandboxMessageSent>, ProblemHttpResult>> SendAsync(
        Guid id, SandboxMessageInput input, ChannelAdminService admin, SandboxServer sandbox, CancellationToken ct)
    {
        if (!await IsSandboxChannelAsync(id, admin, sandbox, ct))
        {
            return SandboxNotFound();
        }

        // A malformed number throws DomainException.Invalid("from", …): 400 with the field, nothing queued.
        return TypedResults.Ok(new SandboxMessageSent(sandbox.SendFromClient(id, input.From, input.Name, input.Text)));
    }

    private static async Task<bool> IsSandboxChannelAsync(Guid id, ChannelAdminService admin, SandboxServer sandbox, CancellationToken ct) =>
        sandbox.Enabled && (await admin.GetAsync(id, ct))?.Mode == ChannelMode.Sandbox;

    // The same answer whether the sandbox is off or the channel is not a sandbox one: nothing tells Production it exists.
    private static ProblemHttpResult SandboxNotFound() => ApiProblems.NotFound("Канал песочницы не найден.");

    private static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Конфликт", detail: detail);
}
