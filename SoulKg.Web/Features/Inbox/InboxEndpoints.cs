using System.Globalization;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using SoulKg.Domain;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Crm;

namespace SoulKg.Web.Features.Inbox;

public sealed record TextBody(string Text);

public sealed record MessagePage(IReadOnlyList<MessageItem> Items, Guid? NextBefore);

/// <summary>The inbox over HTTP: the same service and rules as the Blazor inbox. Live changes come from the hub at /hubs/inbox.</summary>
public static class InboxEndpoints
{
    public static void MapInboxEndpoints(this RouteGroupBuilder api)
    {
        var conversations = api.MapGroup("/conversations").WithTags("Conversations").RequireAuthorization(Permissions.WorkChats)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem();

        conversations.MapGet("/", ListAsync)
            .WithSummary("Conversations of a tab (mine, waiting, ai, all, closed), newest activity first; filter by channel, funnel stage or text");
        conversations.MapGet("/{id:guid}", GetAsync)
            .WithSummary("One conversation; the ETag is its version for If-Match on takeover, handback and close");
        conversations.MapGet("/{id:guid}/messages", MessagesAsync)
            .WithSummary("Messages newest first; pass nextBefore as before to page back in time");
        conversations.MapPost("/{id:guid}/messages", SendAsync)
            .WithSummary("Send a message to the client (only into a chat you hold); it is queued and sent by the outbox");
        conversations.MapPost("/{id:guid}/notes", AddNoteAsync)
            .WithSummary("Add an internal note (never sent to the client)");
        conversations.MapPost("/{id:guid}/takeover", (Guid id, HttpRequest request, ConversationService service, CancellationToken ct) =>
                HolderAsync(() => service.TakeOverAsync(id, IfMatch(request), ct)))
            .WithSummary("Take the chat over from the agent; 409 when another operator holds it");
        conversations.MapPost("/{id:guid}/handback", (Guid id, HttpRequest request, ConversationService service, CancellationToken ct) =>
                HolderAsync(() => service.HandBackAsync(id, IfMatch(request), ct)))
            .WithSummary("Give the chat back to the AI agent");
        conversations.MapPost("/{id:guid}/close", (Guid id, HttpRequest request, ConversationService service, CancellationToken ct) =>
                HolderAsync(() => service.CloseAsync(id, IfMatch(request), ct)))
            .WithSummary("Close the chat; a new client message reopens it for the agent");
        conversations.MapPost("/{id:guid}/assign", (Guid id, AssignBody body, HttpRequest request, ConversationService service, CancellationToken ct) =>
                HolderAsync(() => service.AssignAsync(id, body.UserId, IfMatch(request), ct)))
            .WithSummary("Give the chat to a named person (owner, admin, manager); they get a notification");
        conversations.MapPost("/{id:guid}/read", MarkReadAsync)
            .WithSummary("Mark the chat's client messages as read");
        conversations.MapPost("/messages/{messageId:guid}/retry", RetryAsync)
            .WithSummary("Send a failed message again");
    }

    private static async Task<Results<Ok<CursorPage<ConversationItem>>, ValidationProblem>> ListAsync(
        ConversationService service, string? tab, Guid? channelId, Guid? stageId, string? search, string? cursor, int? limit, CancellationToken ct)
    {
        var parsed = InboxTab.All;
        if (!string.IsNullOrEmpty(tab) && (!Enum.TryParse(tab, ignoreCase: true, out parsed) || !Enum.IsDefined(parsed) || int.TryParse(tab, out _)))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["tab"] = ["Вкладка: mine, waiting, ai, all или closed."] },
                title: "Проверьте поля запроса");
        }

        var query = new InboxQuery { Tab = parsed, ChannelId = channelId, StageId = stageId, Search = search };
        return TypedResults.Ok(await service.ListAsync(query, cursor, limit, ct));
    }

    private static async Task<Ok<ConversationItem>> GetAsync(Guid id, HttpResponse response, ConversationService service, CancellationToken ct)
    {
        var conversation = await FindAsync(service, id, ct);
        response.Headers.ETag = ETag(conversation.Version);
        return TypedResults.Ok(conversation);
    }

    private static async Task<Ok<MessagePage>> MessagesAsync(Guid id, Guid? before, int? limit, ConversationService service, CancellationToken ct)
    {
        await FindAsync(service, id, ct);
        var take = Cursor.Limit(limit);
        var items = await service.MessagesAsync(id, before, take, ct);
        return TypedResults.Ok(new MessagePage(items, items.Count == take ? items[^1].Id : null));
    }

    private static async Task<Created<MessageItem>> SendAsync(Guid id, TextBody body, ConversationService service, CancellationToken ct)
    {
        var message = await service.SendAsync(id, body.Text, ct);
        return TypedResults.Created($"/api/v1/conversations/{id}/messages", message);
    }

    private static async Task<Created<MessageItem>> AddNoteAsync(Guid id, TextBody body, ConversationService service, CancellationToken ct)
    {
        var note = await service.AddNoteAsync(id, body.Text, ct);
        return TypedResults.Created($"/api/v1/conversations/{id}/messages", note);
    }

    private static async Task<NoContent> MarkReadAsync(Guid id, ConversationService service, CancellationToken ct)
    {
        await FindAsync(service, id, ct);
        await service.MarkReadAsync(id, ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> RetryAsync(Guid messageId, ConversationService service, CancellationToken ct)
    {
        await service.RetryAsync(messageId, ct);
        return TypedResults.NoContent();
    }

    private static async Task<ConversationItem> FindAsync(ConversationService service, Guid id, CancellationToken ct) =>
        await service.GetAsync(id, ct) ?? throw DomainException.NotFound("id", "Чат не найден.");

    private static async Task<Ok<ConversationItem>> HolderAsync(Func<Task<ConversationItem>> change) => TypedResults.Ok(await change());

    private static string ETag(uint version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>The version in an If-Match header (<c>"42"</c> or <c>W/"42"</c>); none when absent or <c>*</c>.</summary>
    internal static uint? IfMatch(HttpRequest request)
    {
        var value = request.Headers.IfMatch.ToString().Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        return uint.TryParse(value.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;
    }
}

public sealed class TextBodyValidator : AbstractValidator<TextBody>
{
    public TextBodyValidator() =>
        RuleFor(b => b.Text).NotEmpty().WithMessage("Сообщение пустое.").MaximumLength(4096).WithMessage("Сообщение — не длиннее 4096 символов.");
}

public sealed record AssignBody(Guid UserId);

public sealed class AssignBodyValidator : AbstractValidator<AssignBody>
{
    public AssignBodyValidator() => RuleFor(b => b.UserId).NotEmpty().WithMessage("Укажите сотрудника.");
}
