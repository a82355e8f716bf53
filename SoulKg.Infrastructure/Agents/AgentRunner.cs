using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using SoulKg.Domain;
using SoulKg.Domain.Agents;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.FollowUps;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Notifications;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Agents.Tools;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Data.Configurations;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Agents;

/// <summary>A line of a sample dialogue for a trial: <c>client</c> or <c>agent</c> and the text.</summary>
public sealed record TrialLine(string Author, string Text);

public sealed record TrialResult(AgentRunOutcome Outcome, string? Reply, string? Error, IReadOnlyList<AgentToolCall> ToolCalls, HandoffReason? Handoff, int LatencyMs);

/// <summary>
/// Runs agents with Semantic Kernel. We run the tool loop ourselves (automatic function choice without auto-invoke):
/// every call is checked against the agent's enabled tools, bounded in count and time, logged with the trace id, and
/// the chat's holder is checked before each tool and again, under a row lock, when the reply is queued. Anything that
/// goes wrong sends the client nothing and puts the chat in front of a person with the reason.
/// </summary>
public sealed partial class AgentRunner(
    IServiceScopeFactory scopes, AgentChatModels models, IOptions<AgentOptions> options, TimeProvider clock, INotifier notifier, ILogger<AgentRunner> logger)
    : IAgentRunner
{
    public async Task<AgentRunResult> RunAsync(Guid orgId, Guid conversationId, Guid? triggerMessageId, CancellationToken cancellationToken)
    {
        await using var services = scopes.CreateAsyncScope();
        var sp = services.ServiceProvider;
        sp.GetRequiredService<OrgContext>().SetSystem(orgId, ActorType.Agent, "Агент");
        var factory = sp.GetRequiredService<IDbContextFactory<SoulKgDbContext>>();
        var traceId = Activity.Current?.TraceId.ToString() ?? ActivityTraceId.CreateRandom().ToString();
        using var logScope = logger.BeginScope(new Dictionary<string, object> { ["TraceId"] = traceId, ["ConversationId"] = conversationId, ["OrgId"] = orgId });

        Conversation? conversation;
        List<Message> recent;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == conversationId, cancellationToken);
            recent = conversation is null ? [] : await db.Messages.AsNoTracking()
                .Where(m => m.ConversationId == conversationId && m.Direction != MessageDirection.Internal)
                .OrderByDescending(m => m.SentAt).ThenByDescending(m => m.Id).Take(100).ToListAsync(cancellationToken);
        }

        // Nothing new to answer (already answered, or the run was started twice) or not the agent's chat: no run at all.
        // A partner chat (handoff cards) has no client and is never the agent's.
        if (conversation?.ClientId is null || conversation.Holder != Holder.AiActive || conversation.IsGroup || recent.Count == 0 || recent[0].Author != MessageAuthor.Client)
        {
            return new AgentRunResult(Guid.Empty, traceId, AgentRunOutcome.Skipped, null, null);
        }

        var (dealId, stageKind, language) = await DealOfAsync(sp, factory, conversation, cancellationToken);
        var kind = AgentRouter.ForStage(stageKind);
        var config = await ConfigAsync(factory, orgId, kind, cancellationToken);
        var run = new AgentRun
        {
            OrgId = orgId, TraceId = traceId, ConversationId = conversationId, TriggerMessageId = triggerMessageId ?? recent[0].Id, Agent = kind,
            AgentName = config.Settings.Name, ConfigVersion = config.CurrentVersion, Provider = config.Settings.Provider, Model = config.Settings.Model,
            Input = Clip(recent[0].Text, 4096), Outcome = AgentRunOutcome.Running, StartedAt = clock.GetUtcNow(),
        };
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            db.AgentRuns.Add(run);
            await db.SaveChangesAsync(cancellationToken);
        }

        var conversations = sp.GetRequiredService<ConversationService>();
        var watch = Stopwatch.StartNew();
        if (!config.Settings.IsActive)
        {
            await HandOffAsync(conversations, orgId, conversationId, HandoffReason.OutOfScope, $"Агент «{config.Settings.Name}» на паузе", cancellationToken);
            run.Outcome = AgentRunOutcome.Skipped;
            run.HandoffReason = HandoffReason.OutOfScope;
            run.Error = "Агент на паузе";
            return await FinishAsync(factory, run, watch, null, cancellationToken);
        }

        var scope = new AgentRunScope
        {
            OrgId = orgId, ConversationId = conversationId, ClientId = conversation.ClientId.Value, DealId = dealId, TraceId = traceId, Agent = kind, Settings = config.Settings,
        };
        var history = History(config.Settings, language, recent);
        var loop = await LoopAsync(sp, factory, scope, history, run, cancellationToken);
        if (loop.Outcome == AgentRunOutcome.TakenOver)
        {
            run.Outcome = AgentRunOutcome.TakenOver;
            return await FinishAsync(factory, run, watch, null, cancellationToken);
        }

        if (loop.Error is { } error)
        {
            LogFailed(error);
            await HandOffAsync(conversations, orgId, conversationId, HandoffReason.ModelFailure, Clip("Агент не смог ответить: " + error, 500), cancellationToken);
            run.Outcome = AgentRunOutcome.Failed;
            run.HandoffReason = HandoffReason.ModelFailure;
            run.Error = Clip(error, 2000);
            return await FinishAsync(factory, run, watch, null, cancellationToken);
        }

        var reply = await conversations.EnqueueAgentReplyAsync(conversationId, loop.Reply!, run.Id, scope.Settings.Name, cancellationToken);
        run.Output = Clip(loop.Reply!, 8192);
        if (reply is null)
        {
            run.Outcome = AgentRunOutcome.TakenOver;
            return await FinishAsync(factory, run, watch, null, cancellationToken);
        }

        run.ReplyMessageId = reply.Id;
        run.Outcome = AgentRunOutcome.Replied;
        if (scope.PendingHandoff is { } handoff)
        {
            await HandOffAsync(conversations, orgId, conversationId, handoff.Reason, Clip($"{ReasonText(handoff.Reason)}: {handoff.Note}".TrimEnd(' ', ':'), 500), cancellationToken);
            run.Outcome = AgentRunOutcome.HandedOff;
            run.HandoffReason = handoff.Reason;
        }

        return await FinishAsync(factory, run, watch, reply.Id, cancellationToken);
    }

    /// <summary>
    /// Runs unsaved settings against a sample dialogue, before publishing: the same loop and tools, on an in-memory trip
    /// request, writing nothing and sending nothing.
    /// </summary>
    public async Task<TrialResult> TrialAsync(Guid orgId, AgentKind kind, AgentSettings settings, IReadOnlyList<TrialLine> dialogue, CancellationToken cancellationToken)
    {
        await using var services = scopes.CreateAsyncScope();
        var sp = services.ServiceProvider;
        sp.GetRequiredService<OrgContext>().SetSystem(orgId, ActorType.Agent, "Агент (проба)");
        var factory = sp.GetRequiredService<IDbContextFactory<SoulKgDbContext>>();
        var stage = AgentRouter.StagesOf(kind).FirstOrDefault();
        var scope = new AgentRunScope
        {
            OrgId = orgId, ConversationId = Guid.Empty, ClientId = Guid.Empty, DealId = Guid.Empty, TraceId = ActivityTraceId.CreateRandom().ToString(),
            Agent = kind, Settings = settings,
            TrialDeal = new DealDetails(Guid.Empty, Guid.NewGuid(), "Клиент (проба)", null, Guid.Empty, stage.ToString(), DealStatus.Open, [], new TravelDates(), 0, 0,
                null, null, null, null, null, null, ClientSource.WhatsApp, null, null, null, null, null, null, false, default, default, default, 0),
        };
        var messages = dialogue.Select(l => new Message
        {
            Text = l.Text, Author = l.Author == "client" ? MessageAuthor.Client : MessageAuthor.Agent,
            Direction = l.Author == "client" ? MessageDirection.Inbound : MessageDirection.Outbound,
        }).Reverse().ToList();
        var run = new AgentRun { TraceId = scope.TraceId, Agent = kind };
        var watch = Stopwatch.StartNew();
        var loop = await LoopAsync(sp, factory, scope, History(settings, Languages.Russian, messages), run, cancellationToken);
        return new TrialResult(loop.Error is null ? AgentRunOutcome.Trial : AgentRunOutcome.Failed, loop.Reply, loop.Error, run.ToolCalls,
            scope.PendingHandoff?.Reason, (int)watch.ElapsedMilliseconds);
    }

    private sealed record LoopResult(AgentRunOutcome Outcome, string? Reply, string? Error);

    private async Task<LoopResult> LoopAsync(IServiceProvider sp, IDbContextFactory<SoulKgDbContext> factory, AgentRunScope scope, ChatHistory history, AgentRun run, CancellationToken cancellationToken)
    {
        var bounds = options.Value;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(bounds.RunTimeout);
        var ct = timeout.Token;
        var tools = ActivatorUtilities.CreateInstance<CrmTools>(sp, scope, bounds);
        var all = KernelPluginFactory.CreateFromObject(tools, CrmTools.PluginName);
        var kernel = KernelFor(sp, all, scope.Settings);
        var errors = 0;
        try
        {
            for (var iteration = 1; iteration <= bounds.MaxIterations; iteration++)
            {
                run.Iterations = iteration;
                var chat = models.Resolve(scope.Settings);
                var execution = new OpenAIPromptExecutionSettings
                {
                    Temperature = scope.Settings.Temperature,
                    MaxTokens = scope.Settings.MaxTokens,
                    FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(autoInvoke: false),
                };
                var response = await chat.GetChatMessageContentAsync(history, execution, kernel, ct);
                CountTokens(response, run);
                var calls = FunctionCallContent.GetFunctionCalls(response).ToList();
                if (calls.Count == 0)
                {
                    var text = response.Content?.Trim();
                    return Garbage(text) is { } why ? new LoopResult(AgentRunOutcome.Failed, null, why) : new LoopResult(AgentRunOutcome.Replied, text, null);
                }

                history.Add(response);
                foreach (var call in calls)
                {
                    if (run.ToolCalls.Count >= bounds.MaxToolCalls)
                    {
                        return new LoopResult(AgentRunOutcome.Failed, null, $"Слишком много вызовов инструментов (больше {bounds.MaxToolCalls}).");
                    }

                    if (!scope.IsTrial && await HolderAsync(factory, scope.ConversationId, ct) != Holder.AiActive)
                    {
                        LogTakenOver(call.FunctionName);
                        return new LoopResult(AgentRunOutcome.TakenOver, null, null);
                    }

                    var before = scope.Handovers.Count;
                    var (result, record) = await InvokeAsync(kernel, call, iteration, scope, ct);
                    run.ToolCalls.Add(record);
                    history.Add(result.ToChatMessage());
                    if (!record.Succeeded && ++errors > bounds.MaxToolErrors)
                    {
                        return new LoopResult(AgentRunOutcome.Failed, null, $"Инструменты ответили ошибкой {errors} раз(а): {record.Error}");
                    }

                    if (scope.Handovers.Count > before)
                    {
                        kernel = await HandOverAsync(sp, factory, scope, history, all, run, ct) ?? kernel;
                    }
                }
            }

            return new LoopResult(AgentRunOutcome.Failed, null, $"Модель не закончила ответ за {bounds.MaxIterations} шагов.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new LoopResult(AgentRunOutcome.Failed, null, $"Модель не ответила за {bounds.RunTimeout.TotalSeconds:0} с.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Agent model call failed");
            return new LoopResult(AgentRunOutcome.Failed, null, "Ошибка модели: " + e.Message);
        }
    }

    private async Task<(FunctionResultContent Result, AgentToolCall Record)> InvokeAsync(Kernel kernel, FunctionCallContent call, int iteration, AgentRunScope scope, CancellationToken ct)
    {
        var arguments = call.Arguments is null ? "{}" : JsonSerializer.Serialize(call.Arguments.ToDictionary(a => a.Key, a => a.Value?.ToString()), AgentJson.Options);
        var watch = Stopwatch.StartNew();
        string? error = null;
        string? json = null;
        if ((call.PluginName is not null && call.PluginName != CrmTools.PluginName) || !kernel.Plugins.TryGetFunction(CrmTools.PluginName, call.FunctionName, out var function))
        {
            error = $"Tool '{call.FunctionName}' is not available to this agent.";
        }
        else if (arguments.Length > 4000)
        {
            error = "Arguments are too long.";
        }
        else
        {
            using var toolTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            toolTimeout.CancelAfter(options.Value.ToolTimeout);
            try
            {
                var value = await function.InvokeAsync(kernel, call.Arguments ?? [], toolTimeout.Token);
                json = JsonSerializer.Serialize(value.GetValue<object>(), AgentJson.Options);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                error = $"Tool '{call.FunctionName}' timed out.";
            }
            catch (Exception e) when (e is ArgumentException or DomainException or KernelException or FormatException or InvalidCastException or StaleVersionException
                                          or FluentValidation.ValidationException or InvalidOperationException)
            {
                error = (e.InnerException as ArgumentException ?? e.InnerException as DomainException as Exception ?? e).Message;
            }
        }

        var ms = Math.Round(watch.Elapsed.TotalMilliseconds, 1);
        LogTool(call.FunctionName, error is null, ms, arguments, error);
        var result = new FunctionResultContent(call, json ?? JsonSerializer.Serialize(new { error }, AgentJson.Options));
        return (result, new AgentToolCall(iteration, call.FunctionName, arguments, Clip(json ?? "", 4000), error is null, error, ms, scope.Agent.ToString()));
    }

    /// <summary>The deal moved into another agent's stages: that agent takes over the rest of the run, told why by the handover message.</summary>
    private async Task<Kernel?> HandOverAsync(IServiceProvider sp, IDbContextFactory<SoulKgDbContext> factory, AgentRunScope scope, ChatHistory history, KernelPlugin all, AgentRun run, CancellationToken ct)
    {
        var handover = scope.Handovers[^1];
        run.Handovers.Add(handover);
        LogHandover(handover.From, handover.To, handover.Intent, JsonSerializer.Serialize(handover.Payload));
        var next = await ConfigAsync(factory, scope.OrgId, handover.To, ct);
        if (!next.Settings.IsActive)
        {
            return null;
        }

        scope.Agent = handover.To;
        scope.Settings = next.Settings;
        history.Add(new Microsoft.SemanticKernel.ChatMessageContent(AuthorRole.System,
            $"Передача от агента {handover.From} агенту {handover.To} ({handover.Intent}): {string.Join(", ", handover.Payload.Select(p => $"{p.Key}={p.Value}"))}. " +
            next.Settings.PromptRu));
        return KernelFor(sp, all, next.Settings);
    }

    private static Kernel KernelFor(IServiceProvider sp, KernelPlugin all, AgentSettings settings)
    {
        var kernel = new Kernel(sp);
        kernel.Plugins.Add(KernelPluginFactory.CreateFromFunctions(CrmTools.PluginName, all.Where(f => settings.Allows(f.Name))));
        return kernel;
    }

    private ChatHistory History(AgentSettings settings, string language, IReadOnlyList<Message> newestFirst)
    {
        var history = new ChatHistory(settings.PromptFor(language) + $" Сегодня {BishkekTime.ToLocal(clock.GetUtcNow()):yyyy-MM-dd} (Asia/Bishkek).");
        foreach (var message in newestFirst.Take(settings.MemoryWindow).Reverse())
        {
            if (message.Author == MessageAuthor.Client)
            {
                history.AddUserMessage(message.Text);
            }
            else
            {
                history.AddAssistantMessage(message.Text);
            }
        }

        return history;
    }

    /// <summary>Why a final answer must not reach the client, or null when it may.</summary>
    internal static string? Garbage(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "Модель вернула пустой ответ.";
        }

        if (text.Length > 2000)
        {
            return "Модель вернула слишком длинный ответ.";
        }

        if (text[0] is '{' or '[' || text.Contains("<|", StringComparison.Ordinal) || text.Contains("```", StringComparison.Ordinal)
            || text.Contains("function_call", StringComparison.OrdinalIgnoreCase) || text.Contains("tool_call", StringComparison.OrdinalIgnoreCase))
        {
            return "Модель вернула служебный текст вместо ответа.";
        }

        var letters = text.Count(char.IsLetter);
        if (letters < 2 || text.Count(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t') > 0 || text.Count(c => c == '\uFFFD') > 0)
        {
            return "Модель вернула бессмысленный ответ.";
        }

        return null;
    }

    private static void CountTokens(Microsoft.SemanticKernel.ChatMessageContent response, AgentRun run)
    {
        var metadata = response.Metadata;
        if (metadata is null)
        {
            return;
        }

        if (metadata.TryGetValue("Usage", out var usage) && usage is OpenAI.Chat.ChatTokenUsage openAi)
        {
            run.PromptTokens += openAi.InputTokenCount;
            run.CompletionTokens += openAi.OutputTokenCount;
            return;
        }

        run.PromptTokens += metadata.TryGetValue("InputTokens", out var input) && input is int i ? i : 0;
        run.CompletionTokens += metadata.TryGetValue("OutputTokens", out var output) && output is int o ? o : 0;
    }

    private async Task<(Guid DealId, StageKind Stage, string Language)> DealOfAsync(IServiceProvider sp, IDbContextFactory<SoulKgDbContext> factory, Conversation conversation, CancellationToken ct)
    {
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var open = await (from d in db.Deals.AsNoTracking()
                              join s in db.FunnelStages on d.StageId equals s.Id
                              where d.ClientId == conversation.ClientId && d.Status == DealStatus.Open
                              orderby d.CreatedAt descending
                              select new { d.Id, s.Kind }).FirstOrDefaultAsync(ct);
            var language = await db.Clients.Where(c => c.Id == conversation.ClientId).Select(c => c.Language).FirstAsync(ct);
            if (open is not null)
            {
                return (open.Id, open.Kind, language);
            }
        }

        var created = await sp.GetRequiredService<DealService>().CreateAsync(new DealInput { ClientId = conversation.ClientId!.Value, Source = ClientSource.WhatsApp }, ct);
        await using var again = await factory.CreateDbContextAsync(ct);
        var kind = await again.FunnelStages.Where(s => s.Id == created.StageId).Select(s => s.Kind).FirstAsync(ct);
        return (created.Id, kind, Languages.Russian);
    }

    private static async Task<AgentConfig> ConfigAsync(IDbContextFactory<SoulKgDbContext> factory, Guid orgId, AgentKind kind, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var config = await db.AgentConfigs.AsNoTracking().FirstOrDefaultAsync(c => c.Kind == kind, ct);
        if (config is not null)
        {
            return config;
        }

        // An organisation created before agents existed gets its defaults on first use.
        await AgentConfigService.EnsureDefaultsAsync(db, orgId, DateTimeOffset.UtcNow, ct);
        return await db.AgentConfigs.AsNoTracking().FirstAsync(c => c.Kind == kind, ct);
    }

    private static async Task<Holder?> HolderAsync(IDbContextFactory<SoulKgDbContext> factory, Guid conversationId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Conversations.Where(c => c.Id == conversationId).Select(c => (Holder?)c.Holder).FirstOrDefaultAsync(ct);
    }

    private async Task HandOffAsync(ConversationService conversations, Guid orgId, Guid conversationId, HandoffReason reason, string text, CancellationToken ct)
    {
        try
        {
            await conversations.RequestHumanAsync(conversationId, text, ct);
        }
        catch (DomainException)
        {
            // A person took the chat meanwhile, or it already waits for one: nobody needs telling again.
            return;
        }

        await notifier.NotifyAsync(new Notice(orgId, NoticeKind.ChatWaitingForHuman, NoticeAudience.ChatStaff,
            $"Чат ждёт оператора: {ReasonText(reason)}", text, $"inbox/{conversationId}"), ct);
    }

    private async Task<AgentRunResult> FinishAsync(IDbContextFactory<SoulKgDbContext> factory, AgentRun run, Stopwatch watch, Guid? replyId, CancellationToken ct)
    {
        run.LatencyMs = (int)watch.ElapsedMilliseconds;
        run.FinishedAt = clock.GetUtcNow();
        run.ReplyMessageId = replyId;
        await using (var db = await factory.CreateDbContextAsync(CancellationToken.None))
        {
            db.AgentRuns.Update(run);
            await db.SaveChangesAsync(CancellationToken.None);
        }

        LogFinished(run.Id, run.Agent, run.ConfigVersion, run.Outcome, run.ToolCalls.Count, run.LatencyMs, run.PromptTokens + run.CompletionTokens);
        return new AgentRunResult(run.Id, run.TraceId, run.Outcome, run.Output, run.Error);
    }

    public static string ReasonText(HandoffReason reason) => reason switch
    {
        HandoffReason.AskedForPerson => "клиент просит менеджера",
        HandoffReason.Unsure => "агент не уверен",
        HandoffReason.Complaint => "жалоба",
        HandoffReason.Payment => "вопрос об оплате",
        HandoffReason.OutOfScope => "вне компетенции агента",
        _ => "сбой модели",
    };

    private static string Clip(string text, int max) => text.Length > max ? text[..max] : text;

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent tool {Tool} ok={Ok} in {Milliseconds} ms, args {Arguments}, error {Error}")]
    private partial void LogTool(string tool, bool ok, double milliseconds, string arguments, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent handover {From} -> {To} ({Intent}) {Payload}")]
    private partial void LogHandover(AgentKind from, AgentKind to, string intent, string payload);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent run {RunId} by {Agent} v{ConfigVersion}: {Outcome}, {ToolCalls} tool calls, {LatencyMs} ms, {Tokens} tokens")]
    private partial void LogFinished(Guid runId, AgentKind agent, int configVersion, AgentRunOutcome outcome, int toolCalls, int latencyMs, int tokens);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent run failed, chat handed to a person: {Error}")]
    private partial void LogFailed(string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "A person took the chat during the run; stopped before {Tool}")]
    private partial void LogTakenOver(string tool);
}
