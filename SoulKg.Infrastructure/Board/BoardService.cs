using Microsoft.EntityFrameworkCore;
using SoulKg.Domain;
using SoulKg.Domain.Funnel;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Realtime;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Board;

/// <summary>
/// Reads for the live funnel board. Every read is a few indexed queries whatever the size of the organisation: the
/// counts and sums are one GROUP BY over the filter, and the first cards of every stage come from one query with a
/// LATERAL join per stage that walks the (org_id, status, stage_id, sort_order, id DESC) index. Moves go through
/// <see cref="DealStageService"/>.
/// </summary>
public sealed class BoardService(IDbContextFactory<SoulKgDbContext> factory, OrgContext org, ChangeLogService changeLog)
{
    public const int PageSize = 50;

    public async Task<BoardData> LoadAsync(BoardFilter filter, CancellationToken ct = default)
    {
        // The number first: a change committed while we read is then both in the data and replayed, never lost.
        var seq = await changeLog.CurrentSeqAsync(ct);
        // The reads are independent: each on a connection of its own, so the board waits for the slowest, not the sum.
        var stagesTask = ReadAsync(db => db.FunnelStages.AsNoTracking().Where(s => !s.IsArchived).OrderBy(s => s.Order)
            .Select(s => new StageItem(s.Id, s.Name, s.Color, s.Order, s.Kind, s.IsArchived, s.StaleAfterDays)).ToListAsync(ct), ct);
        var totalsTask = ReadAsync(db => TotalsAsync(db, filter, ct), ct);
        var openTask = ReadAsync(db => Project(db, FirstOpenCards(db, Filter(db, filter))).ToListAsync(ct), ct);
        var wonTask = ClosedCardsAsync(DealStatus.Won);
        var lostTask = ClosedCardsAsync(DealStatus.Lost);
        await Task.WhenAll(stagesTask, totalsTask, openTask, wonTask, lostTask);

        var stages = stagesTask.Result;
        var totals = totalsTask.Result;
        var loaded = openTask.Result.Concat(wonTask.Result).Concat(lostTask.Result).ToLookup(c => c.Column);
        var columns = stages.Select(s => ColumnKey.Open(s.Id)).Append(ColumnKey.Won).Append(ColumnKey.Lost)
            .Select(key => new BoardColumnData(key, totals.GetValueOrDefault(key, ColumnTotals.Empty), Sort(key, loaded[key]).ToList()))
            .ToList();
        return new BoardData(seq, stages, columns);

        Task<List<BoardCard>> ClosedCardsAsync(DealStatus status) => filter.ShowClosed
            ? ReadAsync(db => Project(db, Closed(Filter(db, filter), status).Take(PageSize)).ToListAsync(ct), ct)
            : Task.FromResult(new List<BoardCard>());
    }

    private async Task<T> ReadAsync<T>(Func<SoulKgDbContext, Task<T>> read, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await read(db);
    }

    /// <summary>The first <see cref="PageSize"/> open cards of every active stage, in one query.</summary>
    private static IQueryable<Deal> FirstOpenCards(SoulKgDbContext db, IQueryable<Deal> deals) =>
        // Selecting a stage column inside the subquery keeps EF from rewriting the LATERAL join into ROW_NUMBER() over
        // every open deal of the organisation (efcore#30450): PostgreSQL then reads at most 50 index entries per stage.
        from s in db.FunnelStages
        where !s.IsArchived
        from x in deals.Where(d => d.StageId == s.Id && d.Status == DealStatus.Open)
            .OrderBy(d => d.SortOrder).ThenByDescending(d => d.Id).Take(PageSize)
            .Select(d => new { Deal = d, s.Order })
        select x.Deal;

    /// <summary>The next cards of a column, in board order.</summary>
    public async Task<IReadOnlyList<BoardCard>> MoreAsync(ColumnKey column, BoardFilter filter, int skip, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var deals = Filter(db, filter);
        var page = column.IsClosed
            ? Closed(deals, column.Status)
            : deals.Where(d => d.StageId == column.StageId && d.Status == DealStatus.Open).OrderBy(d => d.SortOrder).ThenByDescending(d => d.Id);
        return await Project(db, page.Skip(Math.Max(0, skip)).Take(PageSize)).ToListAsync(ct);
    }

    /// <summary>One card as the database has it now, or null when the deal is gone or no longer matches the filter.</summary>
    public async Task<BoardCard?> CardAsync(Guid dealId, BoardFilter filter, CancellationToken ct = default) =>
        (await CardsAsync([dealId], filter, ct)).FirstOrDefault();

    /// <summary>Several cards at once (a burst of changes); deals that are gone or filtered out are missing from the result.</summary>
    public async Task<IReadOnlyList<BoardCard>> CardsAsync(IReadOnlyCollection<Guid> dealIds, BoardFilter filter, CancellationToken ct = default)
    {
        if (dealIds.Count == 0)
        {
            return [];
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var ids = dealIds.ToList();
        return await Project(db, Filter(db, filter).Where(d => ids.Contains(d.Id))).ToListAsync(ct);
    }

    /// <summary>Count and sums per column over the whole filter (not the loaded cards); columns without deals are absent.</summary>
    public async Task<IReadOnlyDictionary<ColumnKey, ColumnTotals>> ColumnTotalsAsync(BoardFilter filter, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await TotalsAsync(db, filter, ct);
    }

    public async Task<BoardLookups> LookupsAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var members = await (from m in db.Memberships.AsNoTracking()
                             where m.IsActive
                             join u in db.Users on m.UserId equals u.Id
                             orderby u.DisplayName
                             select new BoardMember(u.Id, u.DisplayName == "" ? u.Email ?? "?" : u.DisplayName)).ToListAsync(ct);
        var tours = await db.Tours.AsNoTracking().Where(t => !t.IsArchived).OrderBy(t => t.NameRu)
            .Select(t => new BoardTour(t.Id, t.NameRu)).ToListAsync(ct);
        var tags = await db.Clients.AsNoTracking().SelectMany(c => c.Tags).Distinct().OrderBy(t => t).Take(200).ToListAsync(ct);
        var reasons = await db.LostReasons.AsNoTracking().OrderBy(r => r.Order)
            .Select(r => new LostReasonItem(r.Id, r.Name, r.Order, r.IsArchived)).ToListAsync(ct);
        return new BoardLookups(members, tours, tags, reasons);
    }

    /// <summary>Board order inside a column, the same as the queries use.</summary>
    public static IEnumerable<BoardCard> Sort(ColumnKey column, IEnumerable<BoardCard> cards) => column.IsClosed
        ? cards.OrderByDescending(c => c.ClosedAt).ThenByDescending(c => c.Id)
        : cards.OrderBy(c => c.SortOrder).ThenByDescending(c => c.Id);

    /// <summary>Whether <paramref name="a"/> comes before <paramref name="b"/> in a column.</summary>
    public static bool Precedes(ColumnKey column, BoardCard a, BoardCard b) => column.IsClosed
        ? (a.ClosedAt ?? default) > (b.ClosedAt ?? default) || ((a.ClosedAt ?? default) == (b.ClosedAt ?? default) && a.Id.CompareTo(b.Id) > 0)
        : a.SortOrder < b.SortOrder || (a.SortOrder.Equals(b.SortOrder) && a.Id.CompareTo(b.Id) > 0);

    private static IOrderedQueryable<Deal> Closed(IQueryable<Deal> deals, DealStatus status) =>
        deals.Where(d => d.Status == status).OrderByDescending(d => d.ClosedAt).ThenByDescending(d => d.Id);

    private IQueryable<Deal> Filter(SoulKgDbContext db, BoardFilter filter)
    {
        var deals = DealService.Filter(db, new DealQuery
        {
            ResponsibleUserId = filter.Mine ? org.UserId ?? Guid.Empty : filter.ResponsibleUserId,
            TourId = filter.TourId,
            Source = filter.Source,
            Tag = string.IsNullOrWhiteSpace(filter.Tag) ? null : filter.Tag.Trim(),
            TravelMonth = filter.TravelMonth,
        });
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            // Matching clients first (trigram indexes on name and phone, joined by UNION), then their deals: an OR
            // across the two tables per deal would make PostgreSQL visit every deal's client.
            var text = filter.Search.Trim();
            var pattern = "%" + ClientService.EscapeLike(text) + "%";
            var digits = Phones.DigitsOf(text);
            var byName = db.Clients.Where(c => EF.Functions.ILike(c.Name, pattern)).Select(c => c.Id);
            var clientIds = digits.Length >= 3
                ? byName.Union(db.ClientContacts.Where(x => EF.Functions.Like(x.Value, "%" + digits + "%")).Select(x => x.ClientId))
                : byName;
            deals = deals.Where(d => clientIds.Contains(d.ClientId) || (d.Title != null && EF.Functions.ILike(d.Title, pattern)));
        }

        return deals;
    }

    private async Task<Dictionary<ColumnKey, ColumnTotals>> TotalsAsync(SoulKgDbContext db, BoardFilter filter, CancellationToken ct)
    {
        var rows = await Filter(db, filter)
            .GroupBy(d => new { d.StageId, d.Status })
            .Select(g => new
            {
                g.Key.StageId,
                g.Key.Status,
                Count = g.Count(),
                Kgs = g.Sum(d => d.ValueAmount != null
                    ? (d.ValueCurrency == Money.Kgs ? d.ValueAmount.Value : 0m)
                    : (d.BudgetAmount != null && d.BudgetCurrency == Money.Kgs ? d.BudgetAmount.Value : 0m)),
                Usd = g.Sum(d => d.ValueAmount != null
                    ? (d.ValueCurrency == Money.Usd ? d.ValueAmount.Value : 0m)
                    : (d.BudgetAmount != null && d.BudgetCurrency == Money.Usd ? d.BudgetAmount.Value : 0m)),
            })
            .ToListAsync(ct);
        return rows.GroupBy(r => ColumnKey.Of(r.Status, r.StageId))
            .ToDictionary(g => g.Key, g => new ColumnTotals(g.Sum(r => r.Count), g.Sum(r => r.Kgs), g.Sum(r => r.Usd)));
    }

    private static IQueryable<BoardCard> Project(SoulKgDbContext db, IQueryable<Deal> deals) =>
        from d in deals
        join c in db.Clients on d.ClientId equals c.Id
        // Travel field by field: projecting the complex property itself would make EF read every column of the deal.
        select new BoardCard(d.Id, d.ClientId, c.Name, d.Title, d.StageId, d.Status, d.TourIds,
            new TravelDates { From = d.Travel.From, To = d.Travel.To, Month = d.Travel.Month, Year = d.Travel.Year, Text = d.Travel.Text }, d.Adults, d.Children,
            d.BudgetAmount, d.BudgetCurrency, d.ValueAmount, d.ValueCurrency, d.ResponsibleUserId, d.Source, d.NeedsStageReview,
            d.StageEnteredAt, d.ClosedAt, d.LostReasonId, d.SortOrder, d.Version);
}
