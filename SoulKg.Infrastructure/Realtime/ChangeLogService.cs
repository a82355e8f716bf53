using Microsoft.EntityFrameworkCore;
using SoulKg.Infrastructure.Data;

namespace SoulKg.Infrastructure.Realtime;

public sealed class ChangeLogEntry : SoulKg.Domain.Tenancy.IOrgOwned
{
    public Guid OrgId { get; set; }
    public long Seq { get; set; }
    public required string Entity { get; set; }
    public Guid EntityId { get; set; }
    public required string Kind { get; set; }
    public string? Data { get; set; }
    public DateTimeOffset At { get; set; }
}

public sealed class OrgChangeCounter : SoulKg.Domain.Tenancy.IOrgOwned
{
    public Guid OrgId { get; set; }
    public long LastSeq { get; set; }
}

/// <summary>What changed since a sequence number: a screen that missed notifications catches up from here.</summary>
public sealed class ChangeLogService(IDbContextFactory<SoulKgDbContext> factory)
{
    public async Task<long> CurrentSeqAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Database.SqlQuery<long>($"SELECT COALESCE((SELECT last_seq FROM org_change_counters WHERE org_id = app_current_org()), 0) AS \"Value\"").SingleAsync(ct);
    }

    public async Task<IReadOnlyList<ChangeLogEntry>> SinceAsync(long seq, int limit = 1000, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.ChangeLog.AsNoTracking().Where(c => c.Seq > seq).OrderBy(c => c.Seq).Take(limit).ToListAsync(ct);
    }
}
