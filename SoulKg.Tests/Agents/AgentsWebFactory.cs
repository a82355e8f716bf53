using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.FollowUps;
using SoulKg.Domain.Notifications;
using SoulKg.Infrastructure.Agents.Offline;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.Agents;

/// <summary>
/// The app for agent tests: the fake channel adapter, no automatic replies (tests start runs themselves, so nothing
/// races them), recording fakes for the notifier and the follow-up port, and chat models that fail on purpose,
/// registered under provider names the agents' settings can point at.
/// </summary>
public class AgentsWebFactory : SoulKgWebFactory
{
    public FakeChannelGateway Gateway { get; } = new();
    public RecordingNotifier Notifier { get; } = new();
    public RecordingFollowUps FollowUps { get; } = new();
    public GatedModel Gated { get; } = new();

    protected virtual bool AutoReply => false;

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
    [
        new("Outbox:SweepInterval", "01:00:00"),
        new("Inbox:EchoGateway", "false"),
        new("Agents:AutoReply", AutoReply ? "true" : "false"),
        new("Agents:RunTimeout", "00:00:20"), // long enough for a loaded CI machine; the "slow" model waits it out
        .. new[] { "broken", "garbage", "looping", "slow", "gated", "asker" }.Select(p => new KeyValuePair<string, string?>($"Agents:Providers:{p}:Endpoint", "http://127.0.0.1:9/v1")),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IChannelGateway>();
            services.AddSingleton<IChannelGateway>(Gateway);
            services.RemoveAll<INotifier>();
            services.AddSingleton<INotifier>(Notifier);
            services.RemoveAll<IFollowUpScheduler>();
            services.AddSingleton<IFollowUpScheduler>(FollowUps);
            services.AddKeyedSingleton<IChatCompletionService>("broken", new ScriptedModel(_ => throw new HttpRequestException("connection refused")));
            services.AddKeyedSingleton<IChatCompletionService>("garbage", new ScriptedModel(_ => new ChatMessageContent(AuthorRole.Assistant, "{\"tool_call\": \"search_tours\"")));
            services.AddKeyedSingleton<IChatCompletionService>("looping", new ScriptedModel(_ =>
                new ChatMessageContent(AuthorRole.Assistant, [new FunctionCallContent("read_context", "crm", "call_" + Guid.NewGuid().ToString("N"), [])])));
            services.AddKeyedSingleton<IChatCompletionService>("slow", new ScriptedModel(_ => null));
            services.AddKeyedSingleton<IChatCompletionService>("asker", new ScriptedModel(AskPartnerAtOnce));
            services.AddKeyedSingleton<IChatCompletionService>("gated", (sp, _) =>
            {
                Gated.Inner = sp.GetRequiredService<OfflineChatModel>();
                return Gated;
            });
        });
    }

    /// <summary>
    /// A model that, unlike the offline one, asks a partner whatever the request holds: "ask:Guide" makes it call
    /// ask_partner with that type, and once the tool answered it says "Хорошо".
    /// </summary>
    private static ChatMessageContent AskPartnerAtOnce(ChatHistory history) =>
        history[^1].Items.OfType<FunctionResultContent>().Any()
            ? new ChatMessageContent(AuthorRole.Assistant, "Хорошо")
            : new ChatMessageContent(AuthorRole.Assistant, [new FunctionCallContent("ask_partner", "crm", "call_ask",
                new KernelArguments { ["partner_type"] = history.Last(m => m.Role == AuthorRole.User).Content!.Split(':')[^1].Trim() })]);
}

/// <summary>The same, with replies started by the inbound pipeline as in production.</summary>
public sealed class AutoReplyAgentsWebFactory : AgentsWebFactory
{
    protected override bool AutoReply => true;
}

/// <summary>A model whose every answer is scripted; null means "never answer" (it waits until cancelled).</summary>
public sealed class ScriptedModel(Func<ChatHistory, ChatMessageContent?> answer) : IChatCompletionService
{
    public IReadOnlyDictionary<string, object?> Attributes { get; } = new Dictionary<string, object?>();

    public async Task<IReadOnlyList<ChatMessageContent>> GetChatMessageContentsAsync(
        ChatHistory chatHistory, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, CancellationToken cancellationToken = default)
    {
        if (answer(chatHistory) is { } message)
        {
            return [message];
        }

        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("unreachable");
    }

    public IAsyncEnumerable<StreamingChatMessageContent> GetStreamingChatMessageContentsAsync(
        ChatHistory chatHistory, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();
}

/// <summary>The offline model behind a gate: the test sees the run reach the model, acts (takes the chat), then lets it go on.</summary>
public sealed class GatedModel : IChatCompletionService
{
    public IChatCompletionService? Inner { get; set; }
    public TaskCompletionSource Entered { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Release { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyDictionary<string, object?> Attributes { get; } = new Dictionary<string, object?>();

    public void Reset()
    {
        Entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public async Task<IReadOnlyList<ChatMessageContent>> GetChatMessageContentsAsync(
        ChatHistory chatHistory, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, CancellationToken cancellationToken = default)
    {
        Entered.TrySetResult();
        await Release.Task.WaitAsync(cancellationToken);
        return await Inner!.GetChatMessageContentsAsync(chatHistory, executionSettings, kernel, cancellationToken);
    }

    public IAsyncEnumerable<StreamingChatMessageContent> GetStreamingChatMessageContentsAsync(
        ChatHistory chatHistory, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();
}

public sealed class RecordingNotifier : INotifier
{
    public ConcurrentQueue<Notice> Notices { get; } = new();

    public Task NotifyAsync(Notice notice, CancellationToken cancellationToken)
    {
        Notices.Enqueue(notice);
        return Task.CompletedTask;
    }
}

public sealed class RecordingFollowUps : IFollowUpScheduler
{
    public ConcurrentQueue<FollowUpRequest> Scheduled { get; } = new();

    public Task ScheduleAsync(FollowUpRequest request, CancellationToken cancellationToken)
    {
        Scheduled.Enqueue(request);
        return Task.CompletedTask;
    }

    public Task<bool> CancelAsync(Guid orgId, Guid conversationId, FollowUpKind kind, CancellationToken cancellationToken) => Task.FromResult(false);
}
