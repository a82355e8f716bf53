namespace SoulKg.Domain.Agents;

/// <summary>What a finished agent run came to.</summary>
public enum AgentRunOutcome
{
    Running = 0,

    /// <summary>A reply was queued for the client.</summary>
    Replied = 1,

    /// <summary>The agent gave the chat to a person (asked to, or unsure).</summary>
    HandedOff = 2,

    /// <summary>A person took the chat during the run: nothing was sent.</summary>
    TakenOver = 3,

    /// <summary>The model failed, timed out, looped or answered garbage: the chat waits for a person, nothing was sent.</summary>
    Failed = 4,

    /// <summary>Nothing to do: the agent is paused, or the chat is not the agent's.</summary>
    Skipped = 5,

    /// <summary>A trial from the settings screen: nothing was saved or sent.</summary>
    Trial = 6,
}

public sealed record AgentRunResult(Guid RunId, string TraceId, AgentRunOutcome Outcome, string? Reply, string? Error);

/// <summary>
/// Runs the agent of a conversation once: reads the chat, lets the model call CRM tools, and queues its reply unless a
/// person took the chat meanwhile. Failures never reach the client: the chat goes to a person with the reason.
/// </summary>
public interface IAgentRunner
{
    Task<AgentRunResult> RunAsync(Guid orgId, Guid conversationId, Guid? triggerMessageId, CancellationToken cancellationToken);
}
