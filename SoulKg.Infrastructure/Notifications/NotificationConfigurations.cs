using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SoulKg.Domain.Notifications;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Identity;

namespace SoulKg.Infrastructure.Notifications;

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.ToTable("notifications");
        b.Property(n => n.Kind).HasConversion<string>().HasMaxLength(30);
        b.Property(n => n.Title).HasMaxLength(200);
        b.Property(n => n.Body).HasMaxLength(1000);
        b.Property(n => n.Link).HasMaxLength(500);
        b.HasOne<ApplicationUser>().WithMany().HasForeignKey(n => n.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(n => new { n.OrgId, n.UserId, n.CreatedAt, n.Id }).IsDescending(false, false, true, true);
        // The bell's unread count reads only this small part of the table.
        b.HasIndex(n => new { n.OrgId, n.UserId }).HasFilter("read_at IS NULL").HasDatabaseName("ix_notifications_unread");
    }
}

internal sealed class NotificationPreferenceConfiguration : IEntityTypeConfiguration<NotificationPreference>
{
    public void Configure(EntityTypeBuilder<NotificationPreference> b)
    {
        b.ToTable("notification_preferences");
        b.Property(p => p.BrowserKinds).HasConversion(
            kinds => kinds.Select(k => k.ToString()).ToList(),
            names => names.Select(n => Enum.Parse<NoticeKind>(n)).ToList(),
            new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<List<NoticeKind>>(
                (a, c) => a!.SequenceEqual(c!), k => k.Aggregate(0, (h, x) => HashCode.Combine(h, x)), k => k.ToList()));
        b.HasOne<ApplicationUser>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(p => new { p.OrgId, p.UserId }).IsUnique();
    }
}

/// <summary>The notification tables, without touching the shared context (they are in the model through their configurations).</summary>
public static class NotificationSets
{
    extension(SoulKgDbContext db)
    {
        public DbSet<Notification> Notifications => db.Set<Notification>();
        public DbSet<NotificationPreference> NotificationPreferences => db.Set<NotificationPreference>();
    }
}
