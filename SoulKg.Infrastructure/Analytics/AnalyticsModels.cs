using SoulKg.Domain.Agents;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.FollowUps;

namespace SoulKg.Infrastructure.Analytics;

/// <summary>Sums of deal amounts, never mixed across currencies.</summary>
public sealed record MoneyTotals(decimal Kgs, decimal Usd)
{
    public static MoneyTotals Zero { get; } = new(0, 0);

    public MoneyTotals Plus(MoneyTotals other) => new(Kgs + other.Kgs, Usd + other.Usd);
}

/// <summary>A duration figure in seconds: how many measured, the median (interpolated) and the mean; null when none.</summary>
public sealed record TimeStat(int Count, double? MedianSeconds, double? AverageSeconds)
{
    public static TimeStat None { get; } = new(0, null, null);
}

// ---- Funnel ----------------------------------------------------------------------------------------------------

/// <summary>Deals of the cohort now open on a stage, with their amount.</summary>
public sealed record StageFigure(Guid StageId, string Name, string Color, int Order, bool IsArchived, int Open, MoneyTotals Amount);

/// <summary>Of the cohort, how many reached <see cref="FromStageId"/> and how many of those went on to the next stage.</summary>
public sealed record ConversionStep(Guid FromStageId, string FromName, Guid ToStageId, string ToName, int FromReached, int ToReached, double? Rate);

/// <summary>How long deals stayed on a stage (finished visits only).</summary>
public sealed record StageTime(Guid StageId, string Name, TimeStat Time);

/// <summary>The leads of one month (Bishkek): how many reached each active stage (in stage order) and how many were won.</summary>
public sealed record CohortRow(DateOnly Month, int Deals, IReadOnlyList<int> Reached, int Won, double? WinRate);

public sealed record ClosedFigure(int Count, MoneyTotals Amount);

public sealed record LostReasonFigure(Guid? ReasonId, string Name, int Count, MoneyTotals Amount);

public sealed record SourceFigure(ClientSource Source, int Deals, int Won, int Lost, double? WinRate, MoneyTotals WonAmount);

public sealed record MonthFigure(DateOnly Month, int Count, MoneyTotals Amount);

public sealed record FunnelMetrics(
    int Deals,
    IReadOnlyList<StageFigure> Stages,
    ClosedFigure Won,
    ClosedFigure Lost,
    IReadOnlyList<ConversionStep> Conversions,
    double? OverallConversion,
    double? WinRate,
    IReadOnlyList<CohortRow> Cohorts,
    IReadOnlyList<StageTime> StageTimes,
    IReadOnlyList<LostReasonFigure> LostReasons,
    IReadOnlyList<SourceFigure> Sources,
    IReadOnlyList<MonthFigure> WonByMonth);

// ---- People ----------------------------------------------------------------------------------------------------

public sealed record UserFigure(
    Guid UserId, string Name, bool IsActive,
    int DealsCreated, int DealsWon, MoneyTotals WonAmount,
    int Chats, int MessagesSent, TimeStat Replies,
    int OpenDealsNow, int ChatsHeldNow);

/// <summary>Right now, whatever the period: who holds the chats and how many open deals have nobody responsible.</summary>
public sealed record WorkloadNow(int ChatsWithAgent, int ChatsWaitingForPerson, int ChatsWithPeople, int OpenDeals, int OpenDealsUnassigned);

public sealed record PeopleMetrics(IReadOnlyList<UserFigure> Users, WorkloadNow Now);

// ---- Agents vs people ------------------------------------------------------------------------------------------

/// <summary>Waits answered by the agent, by a person, and not answered (yet).</summary>
public sealed record ResponseSplit(TimeStat Agent, TimeStat Human, int Unanswered);

public sealed record ResolutionFigure(int Closed, int WithoutPerson, double? Share);

/// <summary>Chats handed from the agent to people for one reason: requested (waiting) or taken straight by an operator.</summary>
public sealed record HandoffFigure(Holder To, string Reason, int Count, int Answered, TimeStat ToHumanReply);

/// <summary>Agent runs started in the period, by outcome; <see cref="Agent"/> null is the total. Latency in seconds, finished runs only.</summary>
public sealed record AgentRunFigure(AgentKind? Agent, int Runs, int Replied, int HandedOff, int TakenOver, int Failed, double? FailureRate, TimeStat Latency);

/// <summary>Follow-ups that came due in the period; <see cref="Kind"/> null is the total. Time to the client's reply in seconds.</summary>
public sealed record FollowUpFigure(FollowUpKind? Kind, int Sent, int Replied, double? ReplyRate, TimeStat TimeToReply, int Skipped, int Failed);

public sealed record AgentMetrics(
    ResponseSplit FirstResponse,
    ResponseSplit Replies,
    ResolutionFigure Resolution,
    IReadOnlyList<HandoffFigure> Handoffs,
    TimeStat HandoffToHumanReply,
    int HandoffsUnanswered,
    IReadOnlyList<AgentRunFigure> Runs,
    AgentRunFigure RunsTotal,
    IReadOnlyList<FollowUpFigure> FollowUps,
    FollowUpFigure FollowUpsTotal);
