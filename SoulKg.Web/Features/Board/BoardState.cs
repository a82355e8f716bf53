using SoulKg.Infrastructure.Board;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Realtime;

namespace SoulKg.Web.Features.Board;

/// <summary>A card on the board. One instance per deal for the board's lifetime: the drop container tracks items by reference.</summary>
public sealed class BoardCardItem(BoardCard card)
{
    public BoardCard Card { get; set; } = card;

    /// <summary>The drop zone the card is shown in (<see cref="ColumnKey.ToString"/>).</summary>
    public string Zone { get; set; } = card.Column.ToString();

    public Guid Id => Card.Id;
}

public sealed class BoardColumnState(ColumnKey key, StageItem? stage)
{
    public ColumnKey Key { get; } = key;

    /// <summary>The stage of an open column; null for the won and lost columns.</summary>
    public StageItem? Stage { get; } = stage;

    public string Zone { get; } = key.ToString();
    public ColumnTotals Totals { get; set; } = ColumnTotals.Empty;
    public List<BoardCardItem> Cards { get; } = [];
    public bool HasMore => Cards.Count < Totals.Count;
}

/// <summary>
/// What one open board shows, kept in step with the database: a change re-reads only the deals it names and the
/// column totals, never the whole board, unless the board fell too far behind. It remembers the last change number
/// applied; a gap in the numbers (a lost notification) or a resync is caught up from the change log.
/// </summary>
public sealed class BoardState(BoardService board, ChangeLogService changeLog)
{
    /// <summary>Beyond this many changed deals at once a full reload is cheaper than re-reading each.</summary>
    public const int MaxBurst = 300;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<Guid> _local = [];
    // One list for the board's lifetime, refilled on reload: drop zones that do not re-render still enumerate the live one.
    private readonly List<BoardColumnState> _columns = [];

    public BoardFilter Filter { get; private set; } = new();
    public IReadOnlyList<StageItem> Stages { get; private set; } = [];
    public IReadOnlyList<BoardColumnState> Columns => _columns;
    public bool IsLoaded { get; private set; }
    public long LastSeq { get; private set; }

    /// <summary>Every shown card, column by column in board order: the drop zones keep this order.</summary>
    public IEnumerable<BoardCardItem> Items => _columns.SelectMany(c => c.Cards);

    public BoardColumnState? Column(ColumnKey key) => _columns.FirstOrDefault(c => c.Key == key);

    public BoardCardItem? Find(Guid dealId) => Items.FirstOrDefault(i => i.Id == dealId);

    public Task LoadAsync(BoardFilter filter, CancellationToken ct = default) => Locked(() => LoadCoreAsync(filter, ct), ct);

    public Task LoadMoreAsync(ColumnKey key, CancellationToken ct = default) => Locked(async () =>
    {
        if (Column(key) is not { } column)
        {
            return;
        }

        foreach (var card in await board.MoreAsync(key, Filter, column.Cards.Count, ct))
        {
            if (Find(card.Id) is null)
            {
                column.Cards.Add(new BoardCardItem(card));
            }
        }
    }, ct);

    /// <summary>Shows a dropped card where the person put it, before the server answers.</summary>
    public void Place(BoardCardItem item, ColumnKey key, int index)
    {
        if (Column(key) is not { } target)
        {
            return;
        }

        if (_columns.FirstOrDefault(c => c.Cards.Contains(item)) is { } source && source != target)
        {
            // Counts and sums follow the card at once; the server's totals replace them when the move is saved.
            source.Cards.Remove(item);
            source.Totals = Shift(source.Totals, item.Card, -1);
            target.Totals = Shift(target.Totals, item.Card, +1);
        }

        target.Cards.Remove(item);
        index = index < 0 ? (key.IsClosed ? 0 : target.Cards.Count) : Math.Min(index, target.Cards.Count);
        target.Cards.Insert(index, item);
        item.Zone = target.Zone;
    }

    /// <summary>The cards above and below, for <see cref="DealStageService.ReorderAsync"/>.</summary>
    public (Guid? After, Guid? Before) Neighbours(BoardCardItem item)
    {
        if (_columns.FirstOrDefault(c => c.Cards.Contains(item)) is not { } column)
        {
            return (null, null);
        }

        var index = column.Cards.IndexOf(item);
        return (index > 0 ? column.Cards[index - 1].Id : null, index + 1 < column.Cards.Count ? column.Cards[index + 1].Id : null);
    }

    /// <summary>
    /// While this screen is moving a deal, changes to it from the feed wait: the half-done move (stage first, position
    /// next) would make the card jump. <see cref="EndLocalAsync"/> then shows it where the database has it.
    /// </summary>
    public void BeginLocal(Guid dealId) => _local.Add(dealId);

    public async Task EndLocalAsync(Guid dealId, CancellationToken ct = default)
    {
        _local.Remove(dealId);
        await RefreshCardsAsync([dealId], ct);
    }

    /// <summary>Re-reads these deals and the column totals, and puts each card where the database says (or removes it).</summary>
    public Task RefreshCardsAsync(IReadOnlyCollection<Guid> dealIds, CancellationToken ct = default) =>
        Locked(() => RefreshCoreAsync(dealIds.ToHashSet(), totals: true, ct), ct);

    /// <summary>Applies a batch from the feed; true when something on the board may have changed.</summary>
    public async Task<bool> ApplyAsync(IReadOnlyList<ChangeEvent> changes, bool resync, CancellationToken ct = default)
    {
        var changed = false;
        await Locked(async () => changed = await ApplyCoreAsync(changes, resync, ct), ct);
        return changed;
    }

    private async Task<bool> ApplyCoreAsync(IReadOnlyList<ChangeEvent> changes, bool resync, CancellationToken ct)
    {
        if (!IsLoaded)
        {
            return false;
        }

        var fresh = changes.Where(c => c.Seq > LastSeq).OrderBy(c => c.Seq).DistinctBy(c => c.Seq).ToList();
        if (fresh.Count == 0 && !resync)
        {
            return false;
        }

        var touched = fresh.Select(c => (c.Entity, c.EntityId)).ToList();
        var upTo = fresh.Count > 0 ? fresh[^1].Seq : LastSeq;
        var contiguous = fresh.Select((c, i) => c.Seq == LastSeq + 1 + i).All(ok => ok);
        if (resync || !contiguous)
        {
            var missed = await changeLog.SinceAsync(LastSeq, MaxBurst + 1, ct);
            if (missed.Count > MaxBurst)
            {
                await LoadCoreAsync(Filter, ct);
                return true;
            }

            touched.AddRange(missed.Select(m => (m.Entity, m.EntityId)));
            upTo = Math.Max(upTo, missed.Count > 0 ? missed[^1].Seq : LastSeq);
        }

        if (touched.Any(t => t.Entity == "stage"))
        {
            await LoadCoreAsync(Filter, ct);
            return true;
        }

        var deals = touched.Where(t => t.Entity == "deal").Select(t => t.EntityId).ToHashSet();
        var clients = touched.Where(t => t.Entity == "client").Select(t => t.EntityId).ToHashSet();
        var shownOfClients = Items.Where(i => clients.Contains(i.Card.ClientId)).Select(i => i.Id).ToList();
        var ids = deals.Union(shownOfClients).Except(_local).ToHashSet();
        if (ids.Count > MaxBurst)
        {
            await LoadCoreAsync(Filter, ct);
            return true;
        }

        await RefreshCoreAsync(ids, totals: deals.Count > 0, ct);
        LastSeq = upTo;
        return ids.Count > 0 || deals.Count > 0;
    }

    private async Task LoadCoreAsync(BoardFilter filter, CancellationToken ct)
    {
        var data = await board.LoadAsync(filter, ct);
        var stages = data.Stages.ToDictionary(s => s.Id);
        _columns.Clear();
        _columns.AddRange(data.Columns.Select(c =>
        {
            var column = new BoardColumnState(c.Key, c.Key.StageId is { } id ? stages[id] : null) { Totals = c.Totals };
            column.Cards.AddRange(c.Cards.Select(card => new BoardCardItem(card)));
            return column;
        }));
        Filter = filter;
        Stages = data.Stages;
        LastSeq = data.Seq;
        IsLoaded = true;
    }

    private async Task RefreshCoreAsync(HashSet<Guid> ids, bool totals, CancellationToken ct)
    {
        var cards = (await board.CardsAsync(ids, Filter, ct)).ToDictionary(c => c.Id);
        if (totals)
        {
            var sums = await board.ColumnTotalsAsync(Filter, ct);
            foreach (var column in _columns)
            {
                column.Totals = sums.GetValueOrDefault(column.Key, ColumnTotals.Empty);
            }
        }

        foreach (var id in ids)
        {
            var item = Find(id);
            if (cards.TryGetValue(id, out var card))
            {
                Put(item ?? new BoardCardItem(card), card);
            }
            else if (item is not null)
            {
                Remove(item);
            }
        }
    }

    /// <summary>Puts a card at its place in board order; leaves it out when that place is in the part of the column not loaded yet.</summary>
    private void Put(BoardCardItem item, BoardCard card)
    {
        item.Card = card;
        Remove(item);
        if (Column(card.Column) is not { } target || (target.Key.IsClosed && !Filter.ShowClosed))
        {
            return;
        }

        var index = target.Cards.FindIndex(other => BoardService.Precedes(target.Key, card, other.Card));
        if (index < 0)
        {
            if (target.Totals.Count > target.Cards.Count + 1)
            {
                return; // "Показать ещё" brings it
            }

            index = target.Cards.Count;
        }

        target.Cards.Insert(index, item);
        item.Zone = target.Zone;
    }

    private static ColumnTotals Shift(ColumnTotals totals, BoardCard card, int sign)
    {
        var (amount, currency) = card.ValueAmount is { } value ? (value, card.ValueCurrency) : (card.BudgetAmount ?? 0, card.BudgetCurrency);
        return new ColumnTotals(Math.Max(0, totals.Count + sign),
            totals.SumKgs + (currency == Domain.Money.Kgs ? sign * amount : 0),
            totals.SumUsd + (currency == Domain.Money.Usd ? sign * amount : 0));
    }

    private void Remove(BoardCardItem item)
    {
        foreach (var column in _columns)
        {
            column.Cards.Remove(item);
        }

        item.Zone = "";
    }

    private async Task Locked(Func<Task> action, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await action();
        }
        finally
        {
            _gate.Release();
        }
    }
}
