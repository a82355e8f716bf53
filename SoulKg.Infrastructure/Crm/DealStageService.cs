using Microsoft.EntityFrameworkCore;
using SoulKg.Domain;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Funnel;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Crm;

public sealed record StageMoveResult(Guid DealId, Guid StageId, DealStatus Status, uint Version, bool Changed);

/// <summary>
/// The one way a deal changes stage or status, for every caller (UI, API, agents, import, jobs): it checks the move
/// with <see cref="StageRules"/>, and saves the deal, its stage history and the client's timeline in one transaction.
/// A move against a stale version fails with <see cref="StaleVersionException"/>, so of two people dragging the same
/// card one wins and the other is told.
/// </summary>
public sealed class DealStageService(IDbContextFactory<SoulKgDbContext> factory, OrgContext org, TimeProvider clock)
{
    public Task<StageMoveResult> MoveAsync(Guid dealId, MoveDealInput input, uint? expectedVersion = null, CancellationToken ct = default) =>
        ChangeAsync(dealId, expectedVersion, async (db, deal, now) =>
        {
            var stage = await db.FunnelStages.FirstOrDefaultAsync(s => s.Id == input.StageId, ct)
                ?? throw DomainException.Invalid("stageId", "Такого этапа нет.");
            var from = await StageNameAsync(db, deal.StageId, ct);
            var change = StageRules.Move(deal, stage, now, Actors.Current(org), input.Reason);
            return change is null ? null : (change, $"Этап: {from} → {stage.Name}", TimelineKind.StageChanged);
        }, ct);

    public Task<StageMoveResult> CloseLostAsync(Guid dealId, CloseLostInput input, uint? expectedVersion = null, CancellationToken ct = default) =>
        ChangeAsync(dealId, expectedVersion, async (db, deal, now) =>
        {
            var reason = await db.LostReasons.FirstOrDefaultAsync(r => r.Id == input.LostReasonId, ct)
                ?? throw DomainException.Invalid("lostReasonId", "Выберите причину отказа из списка.");
            var change = StageRules.CloseLost(deal, reason, input.Note, now, Actors.Current(org));
            return (change, $"Сделка закрыта: отказ ({reason.Name})", TimelineKind.DealClosed);
        }, ct);

    public Task<StageMoveResult> MarkWonAsync(Guid dealId, string? reason = null, uint? expectedVersion = null, CancellationToken ct = default) =>
        ChangeAsync(dealId, expectedVersion, (_, deal, now) =>
            Task.FromResult<(DealStageChange, string, TimelineKind)?>((StageRules.MarkWon(deal, now, Actors.Current(org), reason), "Сделка выиграна", TimelineKind.DealClosed)), ct);

    public Task<StageMoveResult> ReopenAsync(Guid dealId, Guid? stageId = null, uint? expectedVersion = null, CancellationToken ct = default) =>
        ChangeAsync(dealId, expectedVersion, async (db, deal, now) =>
        {
            var stage = await db.FunnelStages.FirstOrDefaultAsync(s => s.Id == (stageId ?? deal.StageId), ct)
                ?? throw DomainException.Invalid("stageId", "Такого этапа нет.");
            var change = StageRules.Reopen(deal, stage, now, Actors.Current(org), null);
            return (change, $"Сделка открыта заново на этапе «{stage.Name}»", TimelineKind.DealReopened);
        }, ct);

    /// <summary>Keeps the manual order of a column: places the deal between two neighbours (either may be absent).</summary>
    public async Task<StageMoveResult> ReorderAsync(Guid dealId, Guid? afterDealId, Guid? beforeDealId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var deal = await db.Deals.FirstOrDefaultAsync(d => d.Id == dealId, ct) ?? throw DomainException.NotFound("id", "Сделка не найдена.");
        var neighbours = await db.Deals.Where(d => d.Id == afterDealId || d.Id == beforeDealId)
            .Select(d => new { d.Id, d.SortOrder, d.StageId }).ToListAsync(ct);
        if (neighbours.Any(n => n.StageId != deal.StageId))
        {
            throw DomainException.Invalid("afterDealId", "Соседние карточки должны быть в том же этапе.");
        }

        var after = neighbours.FirstOrDefault(n => n.Id == afterDealId)?.SortOrder;
        var before = neighbours.FirstOrDefault(n => n.Id == beforeDealId)?.SortOrder;
        if (after is { } low && before is { } high && !(low < (low + high) / 2 && (low + high) / 2 < high))
        {
            // No room between the neighbours (imported deals all share one position, or halving ran out of precision).
            await RenumberColumnAsync(db, deal.StageId, deal.Status, ct);
            await db.Entry(deal).ReloadAsync(ct);
            var renumbered = await db.Deals.AsNoTracking().Where(d => d.Id == afterDealId || d.Id == beforeDealId)
                .Select(d => new { d.Id, d.SortOrder }).ToListAsync(ct);
            after = renumbered.FirstOrDefault(n => n.Id == afterDealId)?.SortOrder;
            before = renumbered.FirstOrDefault(n => n.Id == beforeDealId)?.SortOrder;
        }

        deal.SortOrder = (after, before) switch
        {
            ({ } a, { } b) => (a + b) / 2,
            ({ } a, null) => a + 1,
            (null, { } b) => b - 1,
            _ => deal.SortOrder,
        };
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new StaleVersionException("Deal");
        }

        return new StageMoveResult(deal.Id, deal.StageId, deal.Status, deal.Version, true);
    }

    /// <summary>Spreads a column out to 1, 2, 3… in the board's order (position, then newest first), touching only rows that move.</summary>
    private static Task<int> RenumberColumnAsync(SoulKgDbContext db, Guid stageId, DealStatus status, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""
            UPDATE deals AS d SET sort_order = r.n
            FROM (SELECT id, row_number() OVER (ORDER BY sort_order, id DESC) AS n FROM deals WHERE stage_id = {stageId} AND status = {status.ToString()}) AS r
            WHERE d.id = r.id AND d.sort_order <> r.n
            """, ct);

    private async Task<StageMoveResult> ChangeAsync(
        Guid dealId,
        uint? expectedVersion,
        Func<SoulKgDbContext, Deal, DateTimeOffset, Task<(DealStageChange Change, string Summary, TimelineKind Kind)?>> change,
        CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var deal = await db.Deals.FirstOrDefaultAsync(d => d.Id == dealId, ct) ?? throw DomainException.NotFound("id", "Сделка не найдена.");
        if (expectedVersion is { } v && v != deal.Version)
        {
            throw new StaleVersionException("Deal");
        }

        var now = clock.GetUtcNow();
        var result = await change(db, deal, now);
        if (result is null)
        {
            return new StageMoveResult(deal.Id, deal.StageId, deal.Status, deal.Version, false);
        }

        db.DealStageChanges.Add(result.Value.Change);
        var summary = result.Value.Change.Reason is { Length: > 0 } why && result.Value.Kind == TimelineKind.StageChanged
            ? $"{result.Value.Summary} ({why})"
            : result.Value.Summary;
        db.TimelineEvents.Add(Timeline.Event(org, deal.ClientId, deal.Id, result.Value.Kind, summary, now,
            new { fromStageId = result.Value.Change.FromStageId, toStageId = result.Value.Change.ToStageId, status = deal.Status.ToString() }));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new StaleVersionException("Deal");
        }

        return new StageMoveResult(deal.Id, deal.StageId, deal.Status, deal.Version, true);
    }

    private static async Task<string> StageNameAsync(SoulKgDbContext db, Guid stageId, CancellationToken ct) =>
        await db.FunnelStages.Where(s => s.Id == stageId).Select(s => s.Name).FirstOrDefaultAsync(ct) ?? "?";
}
