using Microsoft.EntityFrameworkCore;
using SoulKg.Domain;
using SoulKg.Domain.Funnel;
using SoulKg.Infrastructure.Data;

namespace SoulKg.Infrastructure.Crm;

public sealed record StageItem(Guid Id, string Name, string Color, int Order, StageKind Kind, bool IsArchived, int StaleAfterDays);

public sealed record LostReasonItem(Guid Id, string Name, int Order, bool IsArchived);

/// <summary>
/// The organisation's funnel: rename, recolour, reorder, add and archive stages; edit lost reasons. History keeps stage
/// ids, so renaming never rewrites the past and archived stages still name old moves.
/// </summary>
public sealed class FunnelSettingsService(IDbContextFactory<SoulKgDbContext> factory)
{
    public async Task<IReadOnlyList<StageItem>> StagesAsync(bool includeArchived = false, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.FunnelStages.AsNoTracking().Where(s => includeArchived || !s.IsArchived).OrderBy(s => s.Order)
            .Select(s => new StageItem(s.Id, s.Name, s.Color, s.Order, s.Kind, s.IsArchived, s.StaleAfterDays)).ToListAsync(ct);
    }

    public async Task<StageItem> AddStageAsync(StageInput input, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await EnsureUniqueNameAsync(db, input.Name, null, ct);
        var order = await db.FunnelStages.MaxAsync(s => (int?)s.Order, ct) ?? -1;
        var stage = new FunnelStage { Name = input.Name.Trim(), Color = input.Color, StaleAfterDays = input.StaleAfterDays, Order = order + 1, Kind = StageKind.Custom };
        db.FunnelStages.Add(stage);
        await db.SaveChangesAsync(ct);
        return ToItem(stage);
    }

    public async Task<StageItem> UpdateStageAsync(Guid id, StageInput input, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var stage = await db.FunnelStages.FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw DomainException.NotFound("id", "Этап не найден.");
        await EnsureUniqueNameAsync(db, input.Name, id, ct);
        stage.Name = input.Name.Trim();
        stage.Color = input.Color;
        stage.StaleAfterDays = input.StaleAfterDays;
        await db.SaveChangesAsync(ct);
        return ToItem(stage);
    }

    /// <summary>Sets the order of the active stages: the list must name each of them exactly once.</summary>
    public async Task<IReadOnlyList<StageItem>> ReorderAsync(IReadOnlyList<Guid> stageIds, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var stages = await db.FunnelStages.Where(s => !s.IsArchived).ToListAsync(ct);
        if (stageIds.Count != stages.Count || stageIds.Distinct().Count() != stages.Count || stages.Any(s => !stageIds.Contains(s.Id)))
        {
            throw DomainException.Invalid("stageIds", "Перечислите каждый действующий этап ровно один раз.");
        }

        for (var i = 0; i < stageIds.Count; i++)
        {
            stages.First(s => s.Id == stageIds[i]).Order = i;
        }

        await db.SaveChangesAsync(ct);
        return await StagesAsync(false, ct);
    }

    public async Task ArchiveStageAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var stage = await db.FunnelStages.FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw DomainException.NotFound("id", "Этап не найден.");
        if (await db.Deals.AnyAsync(d => d.StageId == id && d.Status == DealStatus.Open, ct))
        {
            throw DomainException.Conflict("id", $"На этапе «{stage.Name}» есть открытые сделки: перенесите их сначала.");
        }

        if (await db.FunnelStages.CountAsync(s => !s.IsArchived, ct) <= 1)
        {
            throw DomainException.Conflict("id", "Нужен хотя бы один действующий этап.");
        }

        stage.IsArchived = true;
        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<LostReasonItem>> LostReasonsAsync(bool includeArchived = false, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.LostReasons.AsNoTracking().Where(r => includeArchived || !r.IsArchived).OrderBy(r => r.Order)
            .Select(r => new LostReasonItem(r.Id, r.Name, r.Order, r.IsArchived)).ToListAsync(ct);
    }

    public async Task<LostReasonItem> SaveLostReasonAsync(Guid? id, string name, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100)
        {
            throw DomainException.Invalid("name", "Причина: от 1 до 100 символов.");
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        LostReason reason;
        if (id is { } existing)
        {
            reason = await db.LostReasons.FirstOrDefaultAsync(r => r.Id == existing, ct) ?? throw DomainException.NotFound("id", "Причина не найдена.");
            reason.Name = name.Trim();
        }
        else
        {
            reason = new LostReason { Name = name.Trim(), Order = (await db.LostReasons.MaxAsync(r => (int?)r.Order, ct) ?? -1) + 1 };
            db.LostReasons.Add(reason);
        }

        await db.SaveChangesAsync(ct);
        return new LostReasonItem(reason.Id, reason.Name, reason.Order, reason.IsArchived);
    }

    public async Task ArchiveLostReasonAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var reason = await db.LostReasons.FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw DomainException.NotFound("id", "Причина не найдена.");
        reason.IsArchived = true;
        await db.SaveChangesAsync(ct);
    }

    private static async Task EnsureUniqueNameAsync(SoulKgDbContext db, string name, Guid? self, CancellationToken ct)
    {
        var trimmed = name.Trim();
        if (await db.FunnelStages.AnyAsync(s => s.Id != self && !s.IsArchived && s.Name.ToLower() == trimmed.ToLower(), ct))
        {
            throw DomainException.Conflict("name", $"Этап «{trimmed}» уже есть.");
        }
    }

    private static StageItem ToItem(FunnelStage s) => new(s.Id, s.Name, s.Color, s.Order, s.Kind, s.IsArchived, s.StaleAfterDays);
}
