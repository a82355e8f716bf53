namespace SoulKg.Infrastructure.Agents;

/// <summary>An OpenAI-compatible endpoint an agent can be switched to by naming it as its provider.</summary>
public sealed class AgentProviderOptions
{
    /// <summary><c>OpenAI</c> (OpenAI, Ollama, vLLM, anything that speaks its API) or <c>AzureOpenAI</c>.</summary>
    public string Kind { get; set; } = "OpenAI";

    /// <summary>e.g. <c>https://api.openai.com/v1</c>, <c>http://localhost:11434/v1</c> (Ollama), or the Azure resource URL.</summary>
    public string? Endpoint { get; set; }

    /// <summary>From user secrets or the environment (<c>Agents__Providers__openai__ApiKey</c>), never from appsettings in git.</summary>
    public string? ApiKey { get; set; }
}

/// <summary>The bounds of every agent run, and the endpoints agents may use (section <c>Agents</c>).</summary>
public sealed class AgentOptions
{
    public const string Section = "Agents";

    /// <summary>Start the agent when a client writes into a chat the agent holds. Off in tests that drive runs themselves.</summary>
    public bool AutoReply { get; set; } = true;

    /// <summary>
    /// On start, client messages in agent chats younger than this that got no answer (the app stopped first) are answered;
    /// older ones are left for people. Zero turns the catch-up off.
    /// </summary>
    public TimeSpan CatchUpWindow { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Model turns per run (each may ask for several tool calls); a run that needs more goes to a person.</summary>
    public int MaxIterations { get; set; } = 6;

    /// <summary>Tool calls per run, across all turns.</summary>
    public int MaxToolCalls { get; set; } = 12;

    /// <summary>Failed tool calls per run before the agent gives up and hands off.</summary>
    public int MaxToolErrors { get; set; } = 3;

    public TimeSpan RunTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan ToolTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Runs at once across the app; runs of one conversation never overlap.</summary>
    public int Workers { get; set; } = 2;

    /// <summary>For comparing a budget in one currency with prices in the other.</summary>
    public decimal KgsPerUsd { get; set; } = 87m;

    public Dictionary<string, AgentProviderOptions> Providers { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
