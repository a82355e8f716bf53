using SoulKg.Domain.Funnel;

namespace SoulKg.Domain.Agents;

/// <summary>The specialised agents; each works the deals of some funnel stages with its own prompt and tools.</summary>
public enum AgentKind
{
    /// <summary>Новый лид, Квалификация: records the trip request and asks for what is missing.</summary>
    Qualification = 0,

    /// <summary>Прогрев: keeps an undecided client interested.</summary>
    Warming = 1,

    /// <summary>Предложение, Переговоры, Продажа: offers fitting tours and closes.</summary>
    Sales = 2,

    /// <summary>Сервис: logistics and reminders before the trip.</summary>
    Service = 3,

    /// <summary>Обратная связь, Повторная продажа: asks for a review, then offers the next trip.</summary>
    Feedback = 4,
}

/// <summary>Why an agent gives a chat to a person.</summary>
public enum HandoffReason
{
    AskedForPerson = 0,
    Unsure = 1,
    Complaint = 2,
    Payment = 3,
    OutOfScope = 4,

    /// <summary>The model failed, timed out or answered garbage: set by the runner, never chosen by a model.</summary>
    ModelFailure = 5,
}

/// <summary>Which agent works a deal, by what its stage means.</summary>
public static class AgentRouter
{
    public static AgentKind ForStage(StageKind stage) => stage switch
    {
        StageKind.Warming => AgentKind.Warming,
        StageKind.Proposal or StageKind.Negotiation or StageKind.Sale => AgentKind.Sales,
        StageKind.Service => AgentKind.Service,
        StageKind.Feedback or StageKind.RepeatSale => AgentKind.Feedback,
        _ => AgentKind.Qualification,
    };

    /// <summary>The stages an agent works, for the settings screen.</summary>
    public static IReadOnlyList<StageKind> StagesOf(AgentKind agent) =>
        Enum.GetValues<StageKind>().Where(s => s != StageKind.Custom && ForStage(s) == agent).ToList();
}

/// <summary>
/// What one agent tells the next when a deal moves into the other's stages: logged with the run, and put in front of
/// the next agent so it knows why it got the chat.
/// </summary>
public sealed record AgentHandover(AgentKind From, AgentKind To, string Intent, IReadOnlyDictionary<string, string> Payload, string TraceId, DateTimeOffset At);
