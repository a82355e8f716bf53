using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Realtime;

namespace SoulKg.Infrastructure.Data.Configurations;

internal sealed class ChangeLogEntryConfiguration : IEntityTypeConfiguration<ChangeLogEntry>
{
    public void Configure(EntityTypeBuilder<ChangeLogEntry> b)
    {
        b.ToTable("change_log");
        b.HasKey(c => new { c.OrgId, c.Seq });
        b.Property(c => c.Entity).HasMaxLength(40);
        b.Property(c => c.Kind).HasMaxLength(1);
        b.Property(c => c.Data).HasColumnType("jsonb");
        b.HasIndex(c => c.At);
        b.HasOne<Organization>().WithMany().HasForeignKey(c => c.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OrgChangeCounterConfiguration : IEntityTypeConfiguration<OrgChangeCounter>
{
    public void Configure(EntityTypeBuilder<OrgChangeCounter> b)
    {
        b.ToTable("org_change_counters");
        b.HasKey(c => c.OrgId);
        b.HasOne<Organization>().WithMany().HasForeignKey(c => c.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}
