using System.ComponentModel;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SoulKg.Domain.Notifications;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Notifications;
using SoulKg.Web.Infrastructure;

namespace SoulKg.Web.Features.Notifications;

/// <summary>The caller's own notices and preferences; every member has them, nobody sees another's.</summary>
public static class NotificationsEndpoints
{
    public static void MapNotificationsEndpoints(this RouteGroupBuilder api)
    {
        var notifications = api.MapGroup("/notifications").WithTags("Notifications").RequireAuthorization();
        notifications.MapGet("/", ListAsync)
            .WithSummary("My notices, newest first, paged by cursor")
            .ProducesValidationProblem();
        notifications.MapGet("/unread-count", async (NotificationService service, CancellationToken ct) =>
                TypedResults.Ok(new UnreadCount(await service.UnreadCountAsync(ct))))
            .WithSummary("How many of my notices are unread (the bell's number)");
        notifications.MapPost("/{id:guid}/read", MarkReadAsync)
            .WithSummary("Mark one of my notices read")
            .ProducesProblem(StatusCodes.Status404NotFound);
        notifications.MapPost("/read-all", async (NotificationService service, CancellationToken ct) =>
                TypedResults.Ok(new MarkedRead(await service.MarkAllReadAsync(ct))))
            .WithSummary("Mark all my notices read");
        notifications.MapGet("/preferences", async (NotificationService service, CancellationToken ct) =>
                TypedResults.Ok(await service.GetPreferencesAsync(ct)))
            .WithSummary("Which kinds of notices also come to me as browser notifications");
        notifications.MapPut("/preferences", async (NotificationPreferencesInput input, NotificationService service, CancellationToken ct) =>
                TypedResults.Ok(await service.SavePreferencesAsync(new NotificationPreferences(input.BrowserKinds), ct)))
            .WithSummary("Choose which kinds also come as browser notifications (the in-app list always gets all)")
            .ProducesValidationProblem();
    }

    private static async Task<Ok<CursorPage<NotificationItem>>> ListAsync(
        [AsParameters] NotificationListParameters filter, [AsParameters] PageQuery page, NotificationService service, CancellationToken ct) =>
        TypedResults.Ok(await service.ListAsync(filter.UnreadOnly ?? false, page.Cursor, page.Limit, ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> MarkReadAsync(Guid id, NotificationService service, CancellationToken ct) =>
        await service.MarkReadAsync(id, ct) ? TypedResults.NoContent() : ApiProblems.NotFound("Уведомление не найдено.");
}

public sealed record NotificationListParameters(
    [property: FromQuery(Name = "unreadOnly"), Description("Only unread notices")] bool? UnreadOnly);

public sealed record UnreadCount(int Count);

public sealed record MarkedRead(int Marked);

public sealed record NotificationPreferencesInput(IReadOnlyList<NoticeKind> BrowserKinds);

public sealed class NotificationPreferencesInputValidator : AbstractValidator<NotificationPreferencesInput>
{
    public NotificationPreferencesInputValidator()
    {
        RuleFor(p => p.BrowserKinds).NotNull().WithMessage("Укажите список видов (можно пустой).");
        RuleForEach(p => p.BrowserKinds).IsInEnum().WithMessage("Неизвестный вид уведомления.");
    }
}
