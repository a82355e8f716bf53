using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SoulKg.Domain.Agents;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.FollowUps;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.Analytics;

/// <summary>
/// Writes a known history straight into an organisation's tables, with exact timestamps: deals with their stage
/// history, chats with messages and holder changes. Rows go in as the organisation (RLS and the org stamp apply).
/// Times are given in Bishkek local time (UTC+6) because that is how the expected figures are reasoned about.
/// </summary>
public sealed class AnalyticsHistory(SoulKgWebFactory app, Guid orgId)
{
    private readonly List<object> _rows = [];
    private List<FunnelStage>? _stages;
    private List<LostReason>? _reasons;
    private Channel? _channel;

    public static DateTimeOffset Bishkek(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.FromHours(6)).ToUniversalTime();

    public IReadOnlyList<FunnelStage> Stages => _stages ?? throw new InvalidOperationException("Call LoadAsync first.");

    public async Task<AnalyticsHistory> LoadAsync()
    {
        await using var db = await DbAsync();
        _stages = await db.FunnelStages.OrderBy(s => s.Order).ToListAsync();
        _reasons = await db.LostReasons.OrderBy(r => r.Order).ToListAsync();
        _channel = new Channel { Name = "Тестовый номер", Mode = ChannelMode.Sandbox, CreatedAt = DateTimeOffset.UtcNow };
        _rows.Add(_channel);
        return this;
    }

    public LostReason Reason(string name) => _reasons!.Single(r => r.Name == name);

    public Client Client(string name, Guid? responsible = null, ClientSource source = ClientSource.WhatsApp)
    {
        var client = new Client { Name = name, ResponsibleUserId = responsible, Source = source, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
        _rows.Add(client);
        return client;
    }

    /// <summary>A deal created on the first stage at <paramref name="created"/>; then move it with the returned builder.</summary>
    public DealHistory Deal(Client client, DateTimeOffset created, ClientSource source = ClientSource.WhatsApp, Guid? responsible = null,
        decimal? value = null, string? valueCurrency = null, decimal? budget = null, string? budgetCurrency = null, Guid? tour = null)
    {
        var deal = new Deal
        {
            ClientId = client.Id, StageId = Stages[0].Id, Status = DealStatus.Open, StageEnteredAt = created, Source = source,
            ResponsibleUserId = responsible, ValueAmount = value, ValueCurrency = valueCurrency, BudgetAmount = budget, BudgetCurrency = budgetCurrency,
            TourIds = tour is null ? [] : [tour.Value], Adults = 2, CreatedAt = created, UpdatedAt = created,
        };
        _rows.Add(deal);
        _rows.Add(Change(deal, null, Stages[0].Id, DealStatus.Open, DealStatus.Open, created, "Сделка создана"));
        return new DealHistory(this, deal);
    }

    public ChatHistory Chat(Client client, DateTimeOffset created)
    {
        var chat = new Conversation
        {
            ChannelId = _channel!.Id, ClientId = client.Id, ExternalChatId = Guid.NewGuid().ToString("N") + "@c.us", Holder = Holder.AiActive,
            HolderSince = created, CreatedAt = created, LastMessageAt = created,
        };
        _rows.Add(chat);
        return new ChatHistory(this, chat);
    }

    public async Task SaveAsync()
    {
        await using var db = await DbAsync();
        foreach (var row in _rows)
        {
            db.Add(row);
        }

        await db.SaveChangesAsync();
        _rows.Clear();
    }

    private async Task<SoulKgDbContext> DbAsync()
    {
        var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId);
        return await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync();
    }

    private static DealStageChange Change(Deal deal, Guid? from, Guid to, DealStatus fromStatus, DealStatus toStatus, DateTimeOffset at, string? reason) =>
        new() { DealId = deal.Id, FromStageId = from, ToStageId = to, FromStatus = fromStatus, ToStatus = toStatus, At = at, Reason = reason, ActorType = ActorType.User };

    public sealed class DealHistory(AnalyticsHistory history, Deal deal)
    {
        public Deal Deal => deal;

        public DealHistory Move(int stageIndex, DateTimeOffset at)
        {
            var to = history.Stages[stageIndex].Id;
            history._rows.Add(Change(deal, deal.StageId, to, deal.Status, DealStatus.Open, at, null));
            deal.StageId = to;
            deal.StageEnteredAt = at;
            return this;
        }

        public DealHistory Win(DateTimeOffset at)
        {
            history._rows.Add(Change(deal, deal.StageId, deal.StageId, deal.Status, DealStatus.Won, at, null));
            deal.Status = DealStatus.Won;
            deal.ClosedAt = at;
            return this;
        }

        public DealHistory Lose(string reason, DateTimeOffset at)
        {
            history._rows.Add(Change(deal, deal.StageId, deal.StageId, deal.Status, DealStatus.Lost, at, reason));
            deal.Status = DealStatus.Lost;
            deal.LostReasonId = history.Reason(reason).Id;
            deal.ClosedAt = at;
            return this;
        }
    }

    public sealed class ChatHistory(AnalyticsHistory history, Conversation chat)
    {
        public ChatHistory Client(DateTimeOffset at, string text = "Здравствуйте") => Add(MessageAuthor.Client, MessageDirection.Inbound, null, at, text);

        public ChatHistory Agent(DateTimeOffset at, MessageStatus status = MessageStatus.Sent) =>
            Add(MessageAuthor.Agent, MessageDirection.Outbound, null, at, "Ответ агента", status);

        public ChatHistory Person(Guid userId, DateTimeOffset at) => Add(MessageAuthor.User, MessageDirection.Outbound, userId, at, "Ответ менеджера");

        public ChatHistory Note(Guid userId, DateTimeOffset at) => Add(MessageAuthor.User, MessageDirection.Internal, userId, at, "Заметка");

        public ChatHistory Hold(Holder to, DateTimeOffset at, string reason, Guid? userId = null)
        {
            history._rows.Add(new HolderChange
            {
                ConversationId = chat.Id, From = chat.Holder, To = to, FromUserId = chat.HolderUserId, ToUserId = userId, Reason = reason,
                ActorType = ActorType.User, At = at,
            });
            chat.Holder = to;
            chat.HolderUserId = userId;
            chat.HolderReason = reason;
            chat.HolderSince = at;
            return this;
        }

        public ChatHistory Run(AgentKind agent, AgentRunOutcome outcome, DateTimeOffset at, int latencyMs)
        {
            history._rows.Add(new AgentRun
            {
                TraceId = Guid.NewGuid().ToString("N"), ConversationId = chat.Id, Agent = agent, AgentName = agent.ToString(), Outcome = outcome,
                LatencyMs = latencyMs, StartedAt = at, FinishedAt = outcome == AgentRunOutcome.Running ? null : at.AddMilliseconds(latencyMs),
            });
            return this;
        }

        /// <summary>A follow-up that came due (and was handled) at <paramref name="firedAt"/>.</summary>
        public ChatHistory FollowUp(FollowUpKind kind, FollowUpStatus status, DateTimeOffset firedAt)
        {
            history._rows.Add(new FollowUp
            {
                ConversationId = chat.Id, ClientId = chat.ClientId!.Value, Kind = kind, DueAt = firedAt, Reason = "Тест", Status = status,
                CreatedByType = ActorType.System, CreatedAt = firedAt.AddDays(-1), FiredAt = firedAt,
            });
            return this;
        }

        private ChatHistory Add(MessageAuthor author, MessageDirection direction, Guid? userId, DateTimeOffset at, string text, MessageStatus status = MessageStatus.Sent)
        {
            history._rows.Add(new Message
            {
                ConversationId = chat.Id, ChannelId = chat.ChannelId, Author = author, Direction = direction, AuthorUserId = userId, Text = text,
                Status = direction == MessageDirection.Inbound ? MessageStatus.Received : status, SentAt = at, CreatedAt = at,
            });
            chat.LastMessageAt = at > chat.LastMessageAt ? at : chat.LastMessageAt;
            return this;
        }
    }
}
