using Microsoft.EntityFrameworkCore;
using SoulKg.Domain;
using SoulKg.Domain.Notifications;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Notifications;

public sealed record NotificationItem(Guid Id, NoticeKind Kind, string Title, string? Body, string? Link, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

public sealed record NotificationPreferences(IReadOnlyList<NoticeKind> BrowserKinds);

/// <summary>The signed-in person's own notices and preferences; nobody reads or marks another person's.</summary>
public sealed class NotificationService(IDbContextFactory<SoulKgDbContext> factory, OrgContext org, TimeProvider clock)
{
    private Guid Me => org.UserId ?? throw DomainException.Invalid("user", "Уведомления есть только у пользователей.");

    public async Task<CursorPage<NotificationItem>> ListAsync(bool unreadOnly, string? cursor, int? limit, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var me = Me;
        var rows = db.Notifications.AsNoTracking().Where(n => n.UserId == me);
        if (unreadOnly)
        {
            rows = rows.Where(n => n.ReadAt == null);
        }

        if (Cursor.TryDecode(cursor, out var at, out var id))
        {
            rows = rows.Where(n => n.CreatedAt < at || (n.CreatedAt == at && n.Id.CompareTo(id) < 0));
        }

        var take = Cursor.Limit(limit);
        var items = await rows.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Take(take + 1).ToListAsync(ct);
        return Cursor.Page(items, take, n => n.CreatedAt, n => n.Id, ToItem);
    }

    public async Task<NotificationItem?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var me = Me;
        var row = await db.Notifications.AsNoTracking().FirstOrDefaultAsync(n => n.Id == id && n.UserId == me, ct);
        return row is null ? null : ToItem(row);
    }

    public async Task<int> UnreadCountAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var me = Me;
        return await db.Notifications.CountAsync(n => n.UserId == me && n.ReadAt == null, ct);
    }

    /// <summary>Marks one of my notices read; false when it is not mine (or does not exist).</summary>
    public async Task<bool> MarkReadAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var me = Me;
        if (!await db.Notifications.AnyAsync(n => n.Id == id && n.UserId == me, ct))
        {
            return false;
        }

        var now = clock.GetUtcNow();
        await db.Notifications.Where(n => n.Id == id && n.UserId == me && n.ReadAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
        return true;
    }

    public async Task<int> MarkAllReadAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var me = Me;
        var now = clock.GetUtcNow();
        return await db.Notifications.Where(n => n.UserId == me && n.ReadAt == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
    }

    public async Task<NotificationPreferences> GetPreferencesAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var me = Me;
        var row = await db.NotificationPreferences.AsNoTracking().FirstOrDefaultAsync(p => p.UserId == me, ct);
        return new NotificationPreferences(row?.BrowserKinds ?? NotificationPreference.DefaultBrowserKinds);
    }

    public async Task<NotificationPreferences> SavePreferencesAsync(NotificationPreferences preferences, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var me = Me;
        var row = await db.NotificationPreferences.FirstOrDefaultAsync(p => p.UserId == me, ct);
        if (row is null)
        {
            row = new NotificationPreference { UserId = me };
            db.NotificationPreferences.Add(row);
        }

        row.BrowserKinds = preferences.BrowserKinds.Distinct().Order().ToList();
        row.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return new NotificationPreferences(row.BrowserKinds);
    }

    private static NotificationItem ToItem(Notification n) => new(n.Id, n.Kind, n.Title, n.Body, n.Link, n.CreatedAt, n.ReadAt);
}
