using System.Data.Common;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.JSInterop;
using MudBlazor;
using SoulKg.Domain;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Board;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Realtime;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Web.Features.Board;

/// <summary>
/// The live funnel: every committed change to the organisation's deals, clients and stages, made by anyone anywhere
/// (another screen, another app instance, the API, an agent, an import, psql), moves the cards here within a moment.
/// Moves go through <see cref="DealStageService"/> with the card's version, so of two people moving one card at once
/// one wins and the other is told, and both boards end up showing what the database has.
/// </summary>
public partial class BoardPage : IDisposable
{
    private BoardState _state = null!;
    private BoardFeed? _feed;
    private MudDropContainer<BoardCardItem>? _container;
    private BoardLookups _lookups = new([], [], [], []);
    private bool _canEdit;
    private bool _panelOpen;
    private Guid? _panelDealId;
    private DateTimeOffset _now;
    private readonly CancellationTokenSource _closing = new();
    private System.Diagnostics.Stopwatch? _shownWatch;

    /// <summary>
    /// The first render shows this many cards per column (about a screen's worth) and the next one the rest: a board of
    /// 11 columns × 50 cards is several thousand elements, and the browser should not wait for all of them to show any.
    /// </summary>
    public const int FirstPaintCards = 10;

    private int _renderLimit = FirstPaintCards;

    /// <summary>What the drop zones show: every loaded card, or during the first paint the top of every column.</summary>
    private IEnumerable<BoardCardItem> ShownItems => _renderLimit == int.MaxValue
        ? _state.Items
        : _state.Columns.SelectMany(c => c.Cards.Take(_renderLimit));

    [Inject] private BoardService Board { get; set; } = default!;
    [Inject] private DealStageService DealStages { get; set; } = default!;
    [Inject] private ChangeLogService ChangeLog { get; set; } = default!;
    [Inject] private ChangeNotifier Notifier { get; set; } = default!;
    [Inject] private OrgContext Org { get; set; } = default!;
    [Inject] private ProtectedLocalStorage Storage { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IStringLocalizer<SharedResource> L { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private ILogger<BoardPage> Logger { get; set; } = default!;

    private string FilterKey => $"board-filter:{Org.UserId}";

    protected override void OnInitialized()
    {
        _state = new BoardState(Board, ChangeLog);
        _canEdit = Org.Role is { } role && Permissions.Has(role, Permissions.WorkDeals);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            if (_shownWatch is { } shown)
            {
                // After-render runs once the browser has applied the batch: this is what the person waited for.
                _shownWatch = null;
                Logger.LogInformation("Board shown {Elapsed} ms after reading it", shown.ElapsedMilliseconds);
            }

            if (_renderLimit != int.MaxValue && _state.IsLoaded)
            {
                // The rest of every column now, while the person is already looking at (and can drag) the first cards.
                _renderLimit = int.MaxValue;
                Refresh();
            }

            return;
        }

        // Not during prerendering: the board is read once, by the interactive circuit.
        try
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            // People, tours and tags are read while the browser answers for the saved filter and the board is read.
            var lookups = Board.LookupsAsync(_closing.Token);
            var filter = await ReadFilterAsync();
            var storageMs = watch.ElapsedMilliseconds;
            // Subscribe before reading: a change committed while the board loads waits in the feed instead of being missed.
            _feed = new BoardFeed(Notifier, Org.RequiredOrgId);
            await _state.LoadAsync(filter, _closing.Token);
            _lookups = await lookups;
            _feed.Start(OnChangesAsync);
            var loadMs = watch.ElapsedMilliseconds;
            _shownWatch = System.Diagnostics.Stopwatch.StartNew();
            Refresh();
            Logger.LogInformation("Board read in {Elapsed} ms (saved filter {Storage} ms): {Cards} cards of {Deals} deals",
                loadMs, storageMs, _state.Items.Count(), _state.Columns.Sum(c => c.Totals.Count));
        }
        catch (Exception e) when (Closed(e))
        {
        }
    }

    public void Dispose()
    {
        _closing.Cancel();
        _feed?.Dispose();
    }

    /// <summary>The person left the page (or closed the tab) while it was reading: nothing to report.</summary>
    private bool Closed(Exception e) => _closing.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException;

    /// <summary>Called by the feed on a thread-pool thread.</summary>
    private Task OnChangesAsync(IReadOnlyList<ChangeEvent> changes, bool resync) => InvokeAsync(async () =>
    {
        try
        {
            if (await _state.ApplyAsync(changes, resync, _closing.Token))
            {
                Refresh();
            }
        }
        catch (Exception e) when (Closed(e))
        {
        }
        catch (Exception e) when (e is DbException or DbUpdateException or TimeoutException)
        {
            // The change number did not move on: the next change sees the gap and catches up from the log.
            Logger.LogWarning(e, "The board could not apply {Count} change(s)", changes.Count);
        }
        catch (Exception e)
        {
            await DispatchExceptionAsync(e);
        }
    });

    private async Task OnDroppedAsync(MudItemDropInfo<BoardCardItem> drop)
    {
        if (drop.Item is not { } item)
        {
            return;
        }

        var to = ColumnKey.Parse(drop.DropzoneIdentifier);
        var from = item.Card.Column;
        var oldIndex = _state.Column(from)?.Cards.IndexOf(item) ?? -1;
        if (to == from && (to.IsClosed || drop.IndexInZone == oldIndex))
        {
            Refresh();
            return;
        }

        _state.Place(item, to, drop.IndexInZone);
        Refresh();
        await MoveAsync(item.Card, to, item);
    }

    private async Task MoveFromPanelAsync(Guid dealId, ColumnKey to)
    {
        var card = _state.Find(dealId)?.Card ?? await Board.CardAsync(dealId, new BoardFilter());
        if (card is not null && card.Column != to)
        {
            await MoveAsync(card, to, placed: null);
        }
    }

    /// <summary>
    /// The one path of a move, from a drop or from the side panel. Whatever happens, the card ends where the database
    /// has it: a refused or lost move snaps back, with the reason in a snackbar.
    /// </summary>
    private async Task MoveAsync(BoardCard card, ColumnKey to, BoardCardItem? placed)
    {
        var from = card.Column;
        _state.BeginLocal(card.Id);
        try
        {
            switch (to.Status)
            {
                case DealStatus.Lost when from.Status != DealStatus.Lost:
                    if (await AskLostReasonAsync(card) is not { } lost)
                    {
                        return;
                    }

                    await DealStages.CloseLostAsync(card.Id, lost, card.Version);
                    break;
                case DealStatus.Won when from.Status != DealStatus.Won:
                    await DealStages.MarkWonAsync(card.Id, expectedVersion: card.Version);
                    break;
                case DealStatus.Open when from.Status != DealStatus.Open:
                    await DealStages.ReopenAsync(card.Id, to.StageId, card.Version);
                    break;
                case DealStatus.Open when from != to:
                    await DealStages.MoveAsync(card.Id, new MoveDealInput(to.StageId!.Value, null), card.Version);
                    break;
            }

            if (to.Status == DealStatus.Open && placed is not null)
            {
                await KeepPositionAsync(placed);
            }
        }
        catch (StaleVersionException)
        {
            Snackbar.Add(string.Format(L["Board_ChangedBySomeoneElse"], card.ClientName), Severity.Warning);
        }
        catch (DomainException e)
        {
            Snackbar.Add(e.Message, Severity.Error);
        }
        catch (Exception e) when (e is DbException or DbUpdateException or TimeoutException)
        {
            Logger.LogWarning(e, "Moving deal {DealId} failed", card.Id);
            Snackbar.Add(L["Board_SaveFailed"], Severity.Error);
        }
        finally
        {
            await _state.EndLocalAsync(card.Id);
            Refresh();
        }
    }

    private async Task KeepPositionAsync(BoardCardItem placed)
    {
        var (after, before) = _state.Neighbours(placed);
        if (after is null && before is null)
        {
            return;
        }

        try
        {
            await DealStages.ReorderAsync(placed.Id, after, before);
        }
        catch (Exception e) when (e is DomainException or StaleVersionException)
        {
            // A neighbour moved away meanwhile: the card keeps the database's position, which the refresh shows.
            Logger.LogInformation("Keeping the position of deal {DealId} failed: {Message}", placed.Id, e.Message);
        }
    }

    private async Task<CloseLostInput?> AskLostReasonAsync(BoardCard card)
    {
        var parameters = new DialogParameters<LostReasonDialog>
        {
            { d => d.Reasons, _lookups.LostReasons },
            { d => d.ClientName, card.ClientName },
        };
        var dialog = await Dialogs.ShowAsync<LostReasonDialog>(L["Board_LostTitle"], parameters,
            new DialogOptions { MaxWidth = MaxWidth.ExtraSmall, FullWidth = true });
        var result = await dialog.Result;
        return result is { Canceled: false, Data: CloseLostInput input } ? input : null;
    }

    private async Task QuickCreateAsync(Guid? stageId)
    {
        var parameters = new DialogParameters<QuickDealDialog>
        {
            { d => d.Stages, _state.Stages },
            { d => d.Tours, _lookups.Tours },
            { d => d.StageId, stageId },
        };
        var dialog = await Dialogs.ShowAsync<QuickDealDialog>(L["Board_NewDealTitle"], parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: Guid dealId })
        {
            await _state.RefreshCardsAsync([dealId]);
            Refresh();
            Snackbar.Add(L["Board_DealCreated"], Severity.Success);
        }
    }

    private async Task OnFilterChangedAsync(BoardFilter filter)
    {
        await _state.LoadAsync(filter);
        Refresh();
        try
        {
            await Storage.SetAsync(FilterKey, filter);
        }
        catch (JSDisconnectedException)
        {
        }
    }

    private async Task LoadMoreAsync(ColumnKey column)
    {
        await _state.LoadMoreAsync(column);
        Refresh();
    }

    private void OpenPanel(Guid dealId)
    {
        _panelDealId = dealId;
        _panelOpen = true;
    }

    private StageItem? StageOf(BoardCard card) =>
        card.Status == DealStatus.Open ? _state.Stages.FirstOrDefault(s => s.Id == card.StageId) : null;

    private async Task<BoardFilter> ReadFilterAsync()
    {
        try
        {
            var saved = await Storage.GetAsync<BoardFilter>(FilterKey);
            return saved is { Success: true, Value: { } filter } ? filter : new BoardFilter();
        }
        catch (Exception e) when (e is CryptographicException or JsonException or JSException)
        {
            return new BoardFilter(); // saved under another key ring or an older shape
        }
    }

    private void Refresh()
    {
        _now = Clock.GetUtcNow();
        StateHasChanged();
        // The drop zones order their items themselves and do not re-render with the page: tell them.
        _container?.Refresh();
    }
}
