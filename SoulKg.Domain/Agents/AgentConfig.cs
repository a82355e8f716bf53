using SoulKg.Domain.Tenancy;

namespace SoulKg.Domain.Agents;

/// <summary>One agent of an organisation with its current settings; the history of every save is in <see cref="AgentConfigVersion"/>.</summary>
public sealed class AgentConfig : IOrgOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public AgentKind Kind { get; set; }

    /// <summary>The number of the version in force.</summary>
    public int CurrentVersion { get; set; }
    public required AgentSettings Settings { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public uint Version { get; set; }
}

/// <summary>A saved version of an agent's settings: never changed, so a rollback is a new version copying an old one.</summary>
public sealed class AgentConfigVersion : IOrgOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public Guid AgentConfigId { get; set; }
    public int Number { get; set; }
    public required AgentSettings Settings { get; set; }

    /// <summary>What changed against the previous version.</summary>
    public List<AgentSettingChange> Changes { get; set; } = [];
    public string? Comment { get; set; }
    public Guid? AuthorId { get; set; }
    public string? AuthorName { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One function call the model asked for, with what we answered.</summary>
public sealed record AgentToolCall(int Iteration, string Name, string Arguments, string? Result, bool Succeeded, string? Error, double Milliseconds, string AgentKind);

/// <summary>One run of an agent on a conversation: everything needed to answer "why did it say that?".</summary>
public sealed class AgentRun : IOrgOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public required string TraceId { get; set; }
    public Guid ConversationId { get; set; }
    public Guid? TriggerMessageId { get; set; }
    public Guid? ReplyMessageId { get; set; }
    public AgentKind Agent { get; set; }
    public string AgentName { get; set; } = "";
    public int ConfigVersion { get; set; }
    public string Provider { get; set; } = "";
    public string Model { get; set; } = "";

    /// <summary>The client's latest words that started the run.</summary>
    public string Input { get; set; } = "";
    public List<AgentToolCall> ToolCalls { get; set; } = [];
    public List<AgentHandover> Handovers { get; set; } = [];
    public string? Output { get; set; }
    public AgentRunOutcome Outcome { get; set; }
    public HandoffReason? HandoffReason { get; set; }
    public string? Error { get; set; }
    public int Iterations { get; set; }
    public int PromptTokens { get; set; }
    public int CompletionTokens { get; set; }
    public int LatencyMs { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}
