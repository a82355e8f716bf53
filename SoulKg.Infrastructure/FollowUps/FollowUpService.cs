using Microsoft.EntityFrameworkCore;
using SoulKg.Domain;
using SoulKg.Domain.FollowUps;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.FollowUps;

public sealed record FollowUpItem(
    Guid Id, Guid ConversationId, Guid ClientId, FollowUpKind Kind, DateTimeOffset DueAt, string? Text, string Reason, FollowUpStatus Status,
    ActorType CreatedByType, string? CreatedByName, string? TraceId, DateTimeOffset CreatedAt, DateTimeOffset? FiredAt, string? Outcome, Guid? MessageId);

public sealed record FollowUpSettingsItem(int QuietClientHours, int BeforeTripDays, int? AutoReturnAfterHours);

/// <summary>
/// Follow-ups of the current organisation: schedule (replacing the pending one of that conversation and kind), cancel,
/// send now, list, and the organisation's settings. The row and its Quartz trigger change under the conversation's row
/// lock, so a schedule and a cancel of the same chat never interleave.
/// </summary>
public sealed class FollowUpService(IDbContextFactory<SoulKgDbContext> factory, OrgContext org, FollowUpTriggers triggers, FollowUpSender sender, TimeProvider clock)
{
    public const int MaxTextLength = 4096;

    public async Task<FollowUpItem> ScheduleAsync(FollowUpRequest request, CancellationToken ct = default)
    {
        Validate(request);
        var text = string.IsNullOrWhiteSpace(request.Text) ? null : request.Text.Trim();
        // PostgreSQL keeps microseconds: compare and store what a read gives back, so scheduling the same time twice is a no-op.
        var dueAt = new DateTimeOffset(request.DueAt.Ticks - request.DueAt.Ticks % 10, request.DueAt.Offset);
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var conversation = await LockConversationAsync(db, request.ConversationId, ct);
        var clientId = conversation.ClientId
            ?? throw DomainException.Invalid("conversationId", "Напоминания бывают только в чатах с клиентами.");
        var now = clock.GetUtcNow();
        var pending = await db.FollowUps.FirstOrDefaultAsync(f => f.ConversationId == request.ConversationId && f.Kind == request.Kind && f.Status == FollowUpStatus.Pending, ct);
        if (pending is not null && pending.DueAt == dueAt && pending.Text == text)
        {
            // Planned again by another instance, or twice by an agent: same follow-up, same trigger.
            await triggers.ScheduleAsync(pending.OrgId, pending.ConversationId, pending.Kind, pending.DueAt, ct);
            await transaction.CommitAsync(ct);
            return ToItem(pending);
        }

        if (pending is not null)
        {
            pending.Status = FollowUpStatus.Cancelled;
            pending.Outcome = "Заменено новым напоминанием";
            pending.FiredAt = now;
            // The unique index on pending rows would refuse the new row if the old one were still pending in the database.
            await db.SaveChangesAsync(ct);
        }

        var followUp = new FollowUp
        {
            ConversationId = conversation.Id, ClientId = clientId, Kind = request.Kind, DueAt = dueAt,
            Text = text, Reason = request.Reason.Trim(), Status = FollowUpStatus.Pending,
            CreatedByType = org.ActorType, CreatedById = org.UserId, CreatedByName = org.ActorName, TraceId = request.TraceId, CreatedAt = now,
        };
        db.FollowUps.Add(followUp);
        await db.SaveChangesAsync(ct);
        // Inside the transaction: if Quartz refuses, the row is rolled back; if the commit fails after, the trigger finds no
        // pending row and does nothing.
        await triggers.ScheduleAsync(followUp.OrgId, followUp.ConversationId, followUp.Kind, followUp.DueAt, ct);
        await transaction.CommitAsync(ct);
        return ToItem(followUp);
    }

    /// <summary>Cancels the pending follow-up of this conversation and kind, if there is one.</summary>
    public async Task<bool> CancelPendingAsync(Guid conversationId, FollowUpKind kind, string outcome, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!await db.FollowUps.AnyAsync(f => f.ConversationId == conversationId && f.Kind == kind && f.Status == FollowUpStatus.Pending, ct))
        {
            return false;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await LockConversationAsync(db, conversationId, ct);
        var cancelled = await db.FollowUps.Where(f => f.ConversationId == conversationId && f.Kind == kind && f.Status == FollowUpStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.Status, FollowUpStatus.Cancelled).SetProperty(f => f.Outcome, outcome)
                .SetProperty(f => f.FiredAt, clock.GetUtcNow()), ct);
        await triggers.UnscheduleAsync(conversationId, kind, ct);
        await transaction.CommitAsync(ct);
        return cancelled > 0;
    }

    /// <summary>A person's "Отменить".</summary>
    public async Task<FollowUpItem> CancelAsync(Guid id, CancellationToken ct = default)
    {
        var followUp = await FindAsync(id, ct);
        if (followUp.Status != FollowUpStatus.Pending)
        {
            throw DomainException.Conflict("status", "Напоминание уже не ожидает отправки.");
        }

        await CancelPendingAsync(followUp.ConversationId, followUp.Kind, $"Отменено: {org.ActorName ?? "пользователь"}", ct);
        return ToItem(await FindAsync(id, ct));
    }

    /// <summary>A person's "Отправить сейчас": fires it here and now, with the same checks as the job (holder, client reply).</summary>
    public async Task<FollowUpItem> SendNowAsync(Guid id, CancellationToken ct = default)
    {
        var followUp = await FindAsync(id, ct);
        if (followUp.Status != FollowUpStatus.Pending)
        {
            throw DomainException.Conflict("status", "Напоминание уже не ожидает отправки.");
        }

        await sender.FireAsync(id, ct);
        var after = await FindAsync(id, ct);
        if (after.Status != FollowUpStatus.Pending)
        {
            await triggers.UnscheduleAsync(after.ConversationId, after.Kind, ct);
        }

        return ToItem(after);
    }

    public async Task<IReadOnlyList<FollowUpItem>> ForClientAsync(Guid clientId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.FollowUps.AsNoTracking().Where(f => f.ClientId == clientId)
            .OrderByDescending(f => f.Status == FollowUpStatus.Pending).ThenByDescending(f => f.DueAt).Take(100).ToListAsync(ct);
        return rows.Select(ToItem).ToList();
    }

    public async Task<FollowUpItem?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.FollowUps.AsNoTracking().Where(f => f.Id == id).Select(f => ToItem(f)).FirstOrDefaultAsync(ct);
    }

    public async Task<bool> ClientExistsAsync(Guid clientId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Clients.AnyAsync(c => c.Id == clientId, ct);
    }

    public async Task<FollowUpSettingsItem> SettingsAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var settings = await db.FollowUpSettings.AsNoTracking().FirstOrDefaultAsync(ct) ?? new FollowUpSettings();
        return new(settings.QuietClientHours, settings.BeforeTripDays, settings.AutoReturnAfterHours);
    }

    public async Task<FollowUpSettingsItem> SaveSettingsAsync(FollowUpSettingsInput input, CancellationToken ct = default)
    {
        var result = new FollowUpSettingsInputValidator().Validate(input);
        if (!result.IsValid)
        {
            var error = result.Errors[0];
            throw DomainException.Invalid(char.ToLowerInvariant(error.PropertyName[0]) + error.PropertyName[1..], error.ErrorMessage);
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var settings = await db.FollowUpSettings.FirstOrDefaultAsync(ct);
        if (settings is null)
        {
            settings = new FollowUpSettings { OrgId = org.RequiredOrgId };
            db.FollowUpSettings.Add(settings);
        }

        settings.QuietClientHours = input.QuietClientHours;
        settings.BeforeTripDays = input.BeforeTripDays;
        settings.AutoReturnAfterHours = input.AutoReturnAfterHours;
        settings.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return new(settings.QuietClientHours, settings.BeforeTripDays, settings.AutoReturnAfterHours);
    }

    private void Validate(FollowUpRequest request)
    {
        if (org.OrgId != request.OrgId)
        {
            throw new InvalidOperationException("A follow-up is scheduled in its own organisation's scope.");
        }

        if (request.Text is { } text && text.Trim().Length > MaxTextLength)
        {
            throw DomainException.Invalid("text", $"Текст — не длиннее {MaxTextLength} символов.");
        }

        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Trim().Length > 500)
        {
            throw DomainException.Invalid("reason", "Причина: от 1 до 500 символов.");
        }

        if (request.DueAt > clock.GetUtcNow().AddYears(2))
        {
            throw DomainException.Invalid("dueAt", "Напоминание — не дальше чем через два года.");
        }
    }

    private async Task<FollowUp> FindAsync(Guid id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.FollowUps.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, ct) ?? throw DomainException.NotFound("id", "Напоминание не найдено.");
    }

    internal static async Task<Domain.Conversations.Conversation> LockConversationAsync(SoulKgDbContext db, Guid conversationId, CancellationToken ct) =>
        await db.Conversations.FromSql($"SELECT *, xmin FROM conversations WHERE id = {conversationId} FOR UPDATE").FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("conversationId", "Чат не найден.");

    internal static FollowUpItem ToItem(FollowUp f) =>
        new(f.Id, f.ConversationId, f.ClientId, f.Kind, f.DueAt, f.Text, f.Reason, f.Status, f.CreatedByType, f.CreatedByName, f.TraceId, f.CreatedAt,
            f.FiredAt, f.Outcome, f.MessageId);
}
