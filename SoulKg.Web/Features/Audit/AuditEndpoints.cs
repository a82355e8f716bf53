using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SoulKg.Domain.Auditing;
using SoulKg.Domain.Tenancy;

namespace SoulKg.Web.Features.Audit;

/// <summary>Query string of <c>GET /api/v1/audit</c>; <c>from</c>/<c>to</c> are Bishkek calendar days (yyyy-MM-dd), inclusive.</summary>
public sealed record AuditListRequest(
    [FromQuery(Name = "entityType")] string? EntityType,
    [FromQuery(Name = "actorId")] Guid? ActorId,
    [FromQuery(Name = "action")] AuditAction? Action,
    [FromQuery(Name = "from")] DateOnly? From,
    [FromQuery(Name = "to")] DateOnly? To,
    [FromQuery(Name = "entityId")] string? EntityId,
    [FromQuery(Name = "cursor")] string? Cursor,
    [FromQuery(Name = "limit")] int? Limit);

public static class AuditEndpoints
{
    public static void MapAuditEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", ListAsync)
            .WithTags("Audit")
            .WithSummary("The organisation's audit log, newest first, with filters and cursor paging")
            .WithDescription("Pass nextCursor from a response as cursor to get the next page; nextCursor is null on the last page. " +
                "from and to are calendar days in Asia/Bishkek (yyyy-MM-dd), both inclusive. entityId matches any part of the id, ignoring case. " +
                $"limit: 1–{AuditService.MaxLimit}, default {AuditService.DefaultLimit}.")
            .RequireAuthorization(Permissions.ViewAudit)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);
    }

    private static async Task<Ok<AuditEntryPage>> ListAsync([AsParameters] AuditListRequest request, AuditService audit, CancellationToken ct)
    {
        // The validator has already accepted the cursor, so decoding cannot fail here.
        AuditCursor? after = AuditCursor.TryDecode(request.Cursor, out var cursor) ? cursor : null;
        var query = new AuditQuery(request.EntityType, request.ActorId, request.Action, request.From, request.To, request.EntityId);
        return TypedResults.Ok(await audit.ListAsync(query, after, request.Limit ?? AuditService.DefaultLimit, ct));
    }
}

public sealed class AuditListRequestValidator : AbstractValidator<AuditListRequest>
{
    public AuditListRequestValidator()
    {
        RuleFor(r => r.EntityType).MaximumLength(100).WithMessage("entityType: не длиннее 100 символов.");
        RuleFor(r => r.EntityId).MaximumLength(100).WithMessage("entityId: не длиннее 100 символов.");
        RuleFor(r => r.Action).IsInEnum().WithMessage("action: Created, Updated или Deleted.");
        RuleFor(r => r.To).GreaterThanOrEqualTo(r => r.From).When(r => r.From is not null && r.To is not null)
            .WithMessage("to: дата окончания не может быть раньше даты начала (from).");
        RuleFor(r => r.Limit).InclusiveBetween(1, AuditService.MaxLimit).WithMessage($"limit: от 1 до {AuditService.MaxLimit}.");
        RuleFor(r => r.Cursor).Must(c => AuditCursor.TryDecode(c, out _)).When(r => !string.IsNullOrEmpty(r.Cursor))
            .WithMessage("cursor: недействительный курсор; возьмите nextCursor из предыдущего ответа.");
    }
}
