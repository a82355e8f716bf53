using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using MudBlazor;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Realtime;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Web.Features.Inbox;

/// <summary>
/// The inbox: conversations on the left, the open chat in the middle, the client on the right. It stays live through
/// the change feed: changes are collected as they come and applied together after a short pause, re-reading only the
/// rows they name.
/// </summary>
public sealed partial class InboxPage : IDisposable
{
    private const int PageSize = 50;
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(250);

    [Inject] private ConversationService Conversations { get; set; } = default!;
    [Inject] private ChannelService Channels { get; set; } = default!;
    [Inject] private FunnelSettingsService Funnel { get; set; } = default!;
    [Inject] private CannedReplyService Canned { get; set; } = default!;
    [Inject] private ChangeNotifier Changes { get; set; } = default!;
    [Inject] private OrgContext Org { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;
    [Inject] private IStringLocalizer<SharedResource> L { get; set; } = default!;

    [Parameter] public Guid? ConversationId { get; set; }

    private InboxQuery _query = new();
    private List<ConversationItem> _items = [];
    private int _total;
    private int _take = PageSize;
    private bool _loading = true;
    private IReadOnlyDictionary<InboxTab, int> _counts = new Dictionary<InboxTab, int>();
    private int _myUnread;
    private ConversationItem? _selected;
    private IReadOnlyList<ChannelItem> _channels = [];
    private IReadOnlyList<StageItem> _stages = [];
    private IReadOnlyList<CannedReplyItem> _canned = [];
    private readonly HashSet<Guid> _waiting = [];
    private int _panelRevision;
    private DateOnly _today;
    private ConversationView? _view;
    private IDisposable? _subscription;
    private bool _disposed;

    // Changes arrive on the listener's thread, which runs in the server's culture, not the user's.
    private CultureInfo _culture = CultureInfo.CurrentCulture;
    private CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

    // Filled on the listener's thread, drained on the circuit's.
    private readonly Lock _gate = new();
    private readonly HashSet<Guid> _dirtyConversations = [];
    private readonly HashSet<Guid> _dirtyMessagesOf = [];
    private readonly HashSet<Guid> _dirtyClients = [];
    private bool _resync;
    private bool _flushScheduled;

    private Guid? Me => Org.UserId;

    private bool CanOverride => Org.Role is OrgRole.Owner or OrgRole.Admin or OrgRole.Manager;

    /// <summary>"(3) Входящие · SoulKG": chats waiting for an operator plus unread messages in my chats.</summary>
    private string DocumentTitle
    {
        get
        {
            var attention = (_counts.TryGetValue(InboxTab.Waiting, out var waiting) ? waiting : 0) + _myUnread;
            return attention > 0 ? $"({attention}) {L["NavInbox"]} · SoulKG" : $"{L["NavInbox"]} · SoulKG";
        }
    }

    protected override async Task OnInitializedAsync()
    {
        _culture = CultureInfo.CurrentCulture;
        _uiCulture = CultureInfo.CurrentUICulture;
        _today = InboxFormat.Today(Clock);
        _channels = await Channels.ListAsync();
        _stages = await Funnel.StagesAsync();
        _canned = await Canned.ListAsync();
        await ReloadListAsync();
        await RefreshCountsAsync();
        await SeedWaitingAsync();
        _loading = false;
    }

    protected override async Task OnParametersSetAsync()
    {
        if (ConversationId == _selected?.Id)
        {
            return;
        }

        _selected = ConversationId is { } id ? await Conversations.GetAsync(id) : null;
        if (_selected is { UnreadCount: > 0 } unread)
        {
            await MarkReadAsync(unread);
        }
    }

    protected override Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && Org.OrgId is { } orgId)
        {
            _subscription = Changes.Subscribe(orgId, OnChangeAsync, OnResyncAsync);
            // Whatever changed between the first read and the subscription.
            return OnResyncAsync();
        }

        return Task.CompletedTask;
    }

    private Task OnChangeAsync(ChangeEvent change)
    {
        lock (_gate)
        {
            switch (change.Entity)
            {
                case "conversation":
                    _dirtyConversations.Add(change.EntityId);
                    break;
                case "message" when change.DataGuid("conversation_id") is { } conversationId:
                    _dirtyMessagesOf.Add(conversationId);
                    break;
                case "client":
                    _dirtyClients.Add(change.EntityId);
                    break;
                case "deal" when change.DataGuid("client_id") is { } clientId:
                    _dirtyClients.Add(clientId);
                    break;
                default:
                    return Task.CompletedTask;
            }
        }

        Schedule();
        return Task.CompletedTask;
    }

    private Task OnResyncAsync()
    {
        lock (_gate)
        {
            _resync = true;
        }

        Schedule();
        return Task.CompletedTask;
    }

    private void Schedule()
    {
        lock (_gate)
        {
            if (_flushScheduled)
            {
                return;
            }

            _flushScheduled = true;
        }

        _ = FlushLaterAsync();
    }

    private async Task FlushLaterAsync()
    {
        await Task.Delay(Debounce);
        CultureInfo.CurrentCulture = _culture;
        CultureInfo.CurrentUICulture = _uiCulture;
        try
        {
            await InvokeAsync(FlushAsync);
        }
        catch (ObjectDisposedException)
        {
            // The circuit closed meanwhile.
        }
    }

    private async Task FlushAsync()
    {
        Guid[] conversations, messagesOf, clients;
        bool resync;
        lock (_gate)
        {
            conversations = [.. _dirtyConversations];
            messagesOf = [.. _dirtyMessagesOf];
            clients = [.. _dirtyClients];
            resync = _resync;
            _dirtyConversations.Clear();
            _dirtyMessagesOf.Clear();
            _dirtyClients.Clear();
            _resync = false;
            _flushScheduled = false;
        }

        if (_disposed)
        {
            return;
        }

        try
        {
            _today = InboxFormat.Today(Clock);
            // A text search cannot be re-checked row by row here: the list is read again instead.
            var reloadList = resync || (conversations.Length > 0 && !string.IsNullOrWhiteSpace(_query.Search));
            if (reloadList)
            {
                await ReloadListAsync();
            }

            if (resync)
            {
                await SeedWaitingAsync();
            }

            var affected = conversations.Concat(_items.Where(i => clients.Contains(i.ClientId)).Select(i => i.Id));
            if (resync && _selected is { } open)
            {
                affected = affected.Append(open.Id);
            }

            foreach (var id in affected.Distinct().ToList())
            {
                await ApplyAsync(id, reloadList);
            }

            if (_selected is { } selected && (resync || clients.Contains(selected.ClientId)))
            {
                _panelRevision++;
            }

            if (_view is not null && _selected is { } current && (resync || messagesOf.Contains(current.Id)))
            {
                await _view.RefreshMessagesAsync();
            }

            await RefreshCountsAsync();
            StateHasChanged();
        }
        catch (Exception e)
        {
            await DispatchExceptionAsync(e);
        }
    }

    private async Task ApplyAsync(Guid id, bool listReloaded)
    {
        var item = await Conversations.GetAsync(id);
        NoticeWaiting(id, item);
        if (!listReloaded)
        {
            Upsert(id, item);
        }

        if (_selected?.Id == id)
        {
            _selected = item;
            if (item is { UnreadCount: > 0 })
            {
                await MarkReadAsync(item);
            }
        }
    }

    /// <summary>A chat that has just started waiting for a person gets a notice, once.</summary>
    private void NoticeWaiting(Guid id, ConversationItem? item)
    {
        if (item?.Holder != Holder.WaitingForHuman)
        {
            _waiting.Remove(id);
            return;
        }

        if (_waiting.Add(id))
        {
            Snackbar.Add(L["InboxWaitingToast", InboxFormat.Title(item)], Severity.Warning, options =>
            {
                options.Action = L["InboxOpen"];
                options.ActionColor = Color.Warning;
                options.VisibleStateDuration = 10_000;
                options.OnClick = _ =>
                {
                    Select(id);
                    return Task.CompletedTask;
                };
            }, $"waiting-{id}");
        }
    }

    private void Upsert(Guid id, ConversationItem? item)
    {
        var index = _items.FindIndex(i => i.Id == id);
        var belongs = item is not null && Matches(item);
        if (index >= 0)
        {
            if (belongs)
            {
                _items[index] = item!;
            }
            else
            {
                _items.RemoveAt(index);
                _total--;
            }
        }
        else if (belongs)
        {
            _total++;
            // Older than everything loaded while more remain unloaded: it belongs to a later page.
            if (_items.Count >= _total - 1 || _items.Count == 0 || item!.LastMessageAt >= _items[^1].LastMessageAt)
            {
                _items.Add(item!);
            }
        }

        _items.Sort(static (a, b) => b.LastMessageAt != a.LastMessageAt ? b.LastMessageAt.CompareTo(a.LastMessageAt) : b.Id.CompareTo(a.Id));
    }

    private bool Matches(ConversationItem c) =>
        _query.Tab switch
        {
            InboxTab.Mine => c.Holder == Holder.Human && c.HolderUserId == Me,
            InboxTab.Waiting => c.Holder == Holder.WaitingForHuman,
            InboxTab.Ai => c.Holder == Holder.AiActive,
            InboxTab.Closed => c.Holder == Holder.Closed,
            _ => c.Holder != Holder.Closed,
        }
        && (_query.ChannelId is null || c.ChannelId == _query.ChannelId)
        && (_query.StageId is null || c.StageId == _query.StageId);

    private async Task ReloadListAsync()
    {
        var page = await Conversations.QueryAsync(_query, 0, _take);
        _items = [.. page.Items];
        _total = page.Total;
    }

    private async Task RefreshCountsAsync()
    {
        _counts = await Conversations.CountsAsync();
        _myUnread = await Conversations.MyUnreadAsync();
    }

    private async Task SeedWaitingAsync()
    {
        var waiting = await Conversations.QueryAsync(new InboxQuery { Tab = InboxTab.Waiting }, 0, 200);
        _waiting.Clear();
        _waiting.UnionWith(waiting.Items.Select(i => i.Id));
    }

    private async Task MarkReadAsync(ConversationItem conversation)
    {
        await Conversations.MarkReadAsync(conversation.Id);
        var read = conversation with { UnreadCount = 0 };
        if (_selected?.Id == read.Id)
        {
            _selected = read;
        }

        var index = _items.FindIndex(i => i.Id == read.Id);
        if (index >= 0)
        {
            _items[index] = read;
        }
    }

    private Task ChangeTabAsync(InboxTab tab) => RequeryAsync(_query with { Tab = tab });

    private Task ChangeChannelAsync(Guid? channelId) => RequeryAsync(_query with { ChannelId = channelId });

    private Task ChangeStageAsync(Guid? stageId) => RequeryAsync(_query with { StageId = stageId });

    private Task ChangeSearchAsync(string? search) => RequeryAsync(_query with { Search = string.IsNullOrWhiteSpace(search) ? null : search.Trim() });

    private async Task RequeryAsync(InboxQuery query)
    {
        _query = query;
        _take = PageSize;
        _loading = true;
        await ReloadListAsync();
        _loading = false;
    }

    private async Task LoadMoreAsync()
    {
        _take += PageSize;
        await ReloadListAsync();
    }

    private void Select(Guid id) => Nav.NavigateTo($"inbox/{id}");

    private async Task OnConversationChangedAsync(ConversationItem conversation)
    {
        NoticeWaiting(conversation.Id, conversation);
        Upsert(conversation.Id, conversation);
        if (_selected?.Id == conversation.Id)
        {
            _selected = conversation;
        }

        await RefreshCountsAsync();
    }

    public void Dispose()
    {
        _disposed = true;
        _subscription?.Dispose();
    }
}
