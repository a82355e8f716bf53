using System.Data.Common;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using MudBlazor;
using SoulKg.Infrastructure.Analytics;
using SoulKg.Infrastructure.Board;
using SoulKg.Infrastructure.Realtime;
using SoulKg.Infrastructure.Tenancy;
using SoulKg.Web.Features.Board;

namespace SoulKg.Web.Features.Analytics;

/// <summary>
/// The dashboard. It reads the three figure groups for the filters, and re-reads them when the organisation's data
/// changes: changes arrive from the change feed in debounced batches (a burst of messages costs one re-read), and a
/// re-read that is already running makes the next one wait rather than run twice. A read may return the previous
/// snapshot while newer figures are computed in the background (<see cref="AnalyticsCache"/>); the page reads again
/// when they are in place.
/// </summary>
public sealed partial class AnalyticsPage : IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromSeconds(1);
    private readonly CancellationTokenSource _closing = new();
    private readonly SemaphoreSlim _reading = new(1, 1);
    private MetricsQuery _query = new(null, null, null, null, null);
    private AnalyticsFilter _filter = AnalyticsFilter.Default(DateTimeOffset.UtcNow);
    private DateRange? _range;
    private BoardLookups? _lookups;
    private FunnelMetrics? _funnel;
    private PeopleMetrics? _people;
    private AgentMetrics? _agents;
    private BoardFeed? _feed;
    private bool _loading;
    private DateTimeOffset? _updatedAt;
    private Guid _orgId;
    private int _rereadQueued;

    [Inject] private AnalyticsService Analytics { get; set; } = default!;
    [Inject] private AnalyticsCache Snapshots { get; set; } = default!;
    [Inject] private BoardService Board { get; set; } = default!;
    [Inject] private ChangeNotifier Notifier { get; set; } = default!;
    [Inject] private OrgContext Org { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private IStringLocalizer<SharedResource> L { get; set; } = default!;
    [Inject] private ILogger<AnalyticsPage> Logger { get; set; } = default!;

    private string QueryString => MetricsQuery.QueryString(_filter);

    protected override void OnInitialized()
    {
        _filter = _query.ToFilter(Clock.GetUtcNow());
        _range = new DateRange(_filter.From.ToDateTime(TimeOnly.MinValue), _filter.To.ToDateTime(TimeOnly.MinValue));
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        // Not while prerendering: the circuit reads once, then follows the change feed.
        try
        {
            _lookups = await Board.LookupsAsync(_closing.Token);
            _orgId = Org.RequiredOrgId;
            _feed = new BoardFeed(Notifier, _orgId, Debounce);
            Snapshots.Refreshed += OnRefreshed;
            await ReadAsync();
            _feed.Start((_, _) => InvokeAsync(ReadAsync));
        }
        catch (Exception e) when (Closed(e))
        {
        }
    }

    public void Dispose()
    {
        Snapshots.Refreshed -= OnRefreshed;
        _closing.Cancel();
        _feed?.Dispose();
    }

    /// <summary>Three groups refresh one after another: one re-read covers those that land while it waits.</summary>
    private void OnRefreshed(Guid orgId)
    {
        if (orgId != _orgId || _closing.IsCancellationRequested || Interlocked.Exchange(ref _rereadQueued, 1) == 1)
        {
            return;
        }

        _ = InvokeAsync(async () =>
        {
            Volatile.Write(ref _rereadQueued, 0);
            await ReadAsync();
        });
    }

    private Task ChangeRangeAsync(DateRange? range)
    {
        _range = range;
        return ApplyAsync(_query with
        {
            From = range?.Start is { } start ? DateOnly.FromDateTime(start) : null,
            To = range?.End is { } end ? DateOnly.FromDateTime(end) : null,
        });
    }

    private async Task ApplyAsync(MetricsQuery query)
    {
        _query = query;
        await ReadAsync();
    }

    private async Task ReadAsync()
    {
        await _reading.WaitAsync(_closing.Token);
        try
        {
            _loading = true;
            StateHasChanged();
            var filter = _query.ToFilter(Clock.GetUtcNow());
            var funnel = await Analytics.FunnelAsync(filter, _closing.Token);
            var agents = await Analytics.AgentsAsync(filter, _closing.Token);
            var people = await Analytics.PeopleAsync(filter, _closing.Token);
            (_filter, _funnel, _agents, _people, _updatedAt) = (filter, funnel, agents, people, Clock.GetUtcNow());
        }
        catch (Exception e) when (Closed(e))
        {
        }
        catch (DbException e)
        {
            // The next change (or filter) reads again; the figures on screen stay as they were.
            Logger.LogWarning(e, "The dashboard could not read its figures");
        }
        finally
        {
            _loading = false;
            _reading.Release();
        }

        if (!_closing.IsCancellationRequested)
        {
            StateHasChanged();
        }
    }

    private bool Closed(Exception e) => _closing.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException;
}
