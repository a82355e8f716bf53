using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using SoulKg.Domain;
using SoulKg.Domain.Agents;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Partners;
using SoulKg.Infrastructure.Agents.Tools;

namespace SoulKg.Infrastructure.Agents.Offline;

/// <summary>
/// A deterministic, local chat model: reads the client's latest message with <see cref="TripRequestParser"/>, answers
/// with real function calls (record the request, read it back, search, propose, move the stage, schedule a follow-up,
/// hand off) and, once the tool results are in, with a short reply in the client's language that asks only for what is
/// missing and offers only the tours the search returned. It calls only the functions the kernel offers, so an
/// agent's enabled tools bound it exactly as they bound a real model. No network, no randomness.
/// </summary>
public sealed class OfflineChatModel(TimeProvider clock) : IChatCompletionService
{
    public const string ModelId = "soulkg-offline-1";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public IReadOnlyDictionary<string, object?> Attributes { get; } = new Dictionary<string, object?> { ["ModelId"] = ModelId };

    public Task<IReadOnlyList<ChatMessageContent>> GetChatMessageContentsAsync(
        ChatHistory chatHistory, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var reply = Next(chatHistory, kernel);
        var promptTokens = chatHistory.Sum(m => (m.Content?.Length ?? 0) + m.Items.OfType<FunctionResultContent>().Sum(r => r.Result?.ToString()?.Length ?? 0)) / 4;
        reply.Metadata = new Dictionary<string, object?>
        {
            ["InputTokens"] = promptTokens,
            ["OutputTokens"] = ((reply.Content?.Length ?? 0) + reply.Items.OfType<FunctionCallContent>().Sum(c => 20)) / 4,
        };
        return Task.FromResult<IReadOnlyList<ChatMessageContent>>([reply]);
    }

    public async IAsyncEnumerable<StreamingChatMessageContent> GetStreamingChatMessageContentsAsync(
        ChatHistory chatHistory, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var message in await GetChatMessageContentsAsync(chatHistory, executionSettings, kernel, cancellationToken))
        {
            yield return new StreamingChatMessageContent(message.Role, message.Content, modelId: ModelId);
        }
    }

    private ChatMessageContent Next(ChatHistory history, Kernel? kernel)
    {
        var lastUser = -1;
        for (var i = history.Count - 1; i >= 0; i--)
        {
            if (history[i].Role == AuthorRole.User)
            {
                lastUser = i;
                break;
            }
        }

        var today = DateOnly.FromDateTime(BishkekTime.ToLocal(clock.GetUtcNow()).DateTime);
        var userText = lastUser >= 0 ? history[lastUser].Content ?? "" : "";
        var facts = TripRequestParser.Parse(userText, today);
        var spokeBefore = history.Take(Math.Max(0, lastUser)).Any(m => m.Role == AuthorRole.Assistant && !string.IsNullOrWhiteSpace(m.Content));
        var calls = new List<(string Name, KernelArguments? Args, string? Result)>();
        var results = history.Skip(lastUser + 1).SelectMany(m => m.Items.OfType<FunctionResultContent>()).ToDictionary(r => r.CallId ?? "", r => r.Result?.ToString());
        foreach (var call in history.Skip(lastUser + 1).SelectMany(m => m.Items.OfType<FunctionCallContent>()))
        {
            calls.Add((call.FunctionName, call.Arguments, results.GetValueOrDefault(call.Id ?? "")));
        }

        bool Has(string tool) => kernel is not null && kernel.Plugins.TryGetFunction(CrmTools.PluginName, tool, out _);
        bool Called(string tool) => calls.Any(c => c.Name == tool);
        var writer = new ReplyWriter(facts, spokeBefore);

        if (calls.Count == 0)
        {
            if (facts.Handoff is { } reason)
            {
                return Has(AgentTools.HandOff)
                    ? Call((AgentTools.HandOff, new() { ["reason"] = reason.ToString(), ["note"] = Clip(userText, 200) }))
                    : Text(writer.HandOff(reason));
            }

            var first = new List<(string, KernelArguments)>();
            if (Has(AgentTools.UpdateTripRequest) && (facts.HasTripFacts || facts.Language != Languages.Russian))
            {
                first.Add((AgentTools.UpdateTripRequest, UpdateArguments(facts)));
            }

            if (Has(AgentTools.ReadContext))
            {
                first.Add((AgentTools.ReadContext, new KernelArguments()));
            }

            return first.Count > 0 ? Call([.. first]) : Text(writer.AskMissing(null));
        }

        if (Called(AgentTools.HandOff))
        {
            return Text(writer.HandOff(facts.Handoff ?? HandoffReason.OutOfScope));
        }

        if (Called(AgentTools.AskPartner))
        {
            var asked = calls.Where(c => c.Name == AgentTools.AskPartner).Select(c => Parse<PartnerRequest>(c.Result)).ToList();
            if (asked.All(a => a is { Ok: true }))
            {
                return Text(writer.PartnersAsked(asked.Select(a => a!.PartnerType).ToList()));
            }

            // A refused call (an error, not "nobody is free", which already hands off) is something a person should look at.
            return asked.Any(a => a?.Message is null) && Has(AgentTools.HandOff)
                ? Call((AgentTools.HandOff, new() { ["reason"] = HandoffReason.Unsure.ToString(), ["note"] = "не удалось передать заявку партнёру" }))
                : Text(writer.HandOff(HandoffReason.OutOfScope));
        }

        var context = calls.Where(c => c.Name is AgentTools.UpdateTripRequest or AgentTools.ReadContext).Select(c => Parse<TripContext>(c.Result))
            .LastOrDefault(c => c is not null);
        var search = calls.Where(c => c.Name == AgentTools.SearchTours).Select(c => Parse<SearchResult>(c.Result)).LastOrDefault(s => s is not null);
        var stage = context is not null && Enum.TryParse<StageKind>(context.StageKind, out var kind) ? kind : StageKind.Custom;
        // The client said yes to what the sales agent offered and the request has what a partner needs: fix the sale and
        // hand the group to the partners (a guide unless the client named others). Without a tour the offer comes first.
        if (facts.Confirms && context is not null && stage is StageKind.Proposal or StageKind.Negotiation or StageKind.Sale && context.TourIds.Count > 0
            && Has(AgentTools.AskPartner))
        {
            if (context.Missing.Contains(TripContext.MissingDates) || context.Missing.Contains(TripContext.MissingGroup))
            {
                return Text(writer.AskMissing(context));
            }

            var booking = new List<(string, KernelArguments)>();
            if (stage != StageKind.Sale && Has(AgentTools.MoveStage) && !Called(AgentTools.MoveStage))
            {
                booking.Add((AgentTools.MoveStage, new() { ["stage"] = "Sale", ["reason"] = "клиент подтвердил бронирование" }));
            }

            foreach (var type in facts.Partners.Count > 0 ? facts.Partners : [PartnerType.Guide])
            {
                booking.Add((AgentTools.AskPartner, new() { ["partner_type"] = type.ToString(), ["notes"] = "Клиент подтвердил бронирование в WhatsApp." }));
            }

            return Call([.. booking]);
        }

        if (search is null)
        {
            var next = new List<(string, KernelArguments)>();
            if (context is not null && stage == StageKind.NewLead && facts.HasTripFacts && Has(AgentTools.MoveStage) && !Called(AgentTools.MoveStage))
            {
                next.Add((AgentTools.MoveStage, new() { ["stage"] = "Qualification", ["reason"] = "клиент описал поездку" }));
            }

            var enough = context is not null && !context.Missing.Contains(TripContext.MissingDates) && !context.Missing.Contains(TripContext.MissingGroup);
            if (enough && Has(AgentTools.SearchTours))
            {
                next.Add((AgentTools.SearchTours, new KernelArguments()));
            }

            return next.Count > 0 ? Call([.. next]) : Text(writer.AskMissing(context));
        }

        if (search.Tours.Count > 0 && !Called(AgentTools.ProposeTour) && !Called(AgentTools.ScheduleFollowUp))
        {
            var next = new List<(string, KernelArguments)>();
            if (Has(AgentTools.ProposeTour))
            {
                var best = search.Tours[0];
                var args = new KernelArguments { ["tour_id"] = best.TourId.ToString() };
                if (best.Departures.Count > 0)
                {
                    args["departure_id"] = best.Departures[0].Id.ToString();
                }

                next.Add((AgentTools.ProposeTour, args));
            }

            if (stage is StageKind.NewLead or StageKind.Qualification or StageKind.Warming && Has(AgentTools.MoveStage))
            {
                next.Add((AgentTools.MoveStage, new() { ["stage"] = "Proposal", ["reason"] = "предложены туры" }));
            }

            if (Has(AgentTools.ScheduleFollowUp))
            {
                next.Add((AgentTools.ScheduleFollowUp, new() { ["kind"] = "QuietClient", ["hours"] = "24" }));
            }

            if (next.Count > 0)
            {
                return Call([.. next]);
            }
        }

        return Text(search.Tours.Count > 0 ? writer.Offer(context, search) : writer.NothingFits(context));
    }

    private static KernelArguments UpdateArguments(TripFacts f)
    {
        var args = new KernelArguments();
        void Put(string name, object? value)
        {
            if (value is not null)
            {
                args[name] = Convert.ToString(value, CultureInfo.InvariantCulture);
            }
        }

        Put("month", f.Month);
        Put("year", f.Year);
        Put("date_from", f.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Put("date_to", f.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Put("travel_text", f.TravelText);
        Put("adults", f.Adults);
        Put("children", f.Children);
        Put("budget_amount", f.Budget);
        Put("budget_currency", f.Currency);
        Put("region", f.Region);
        Put("interests", f.Interests.Count > 0 ? string.Join(", ", f.Interests) : null);
        Put("language", f.Language);
        return args;
    }

    private static ChatMessageContent Call(params (string Name, KernelArguments Args)[] calls)
    {
        var items = new ChatMessageContentItemCollection();
        var n = 0;
        foreach (var (name, args) in calls)
        {
            items.Add(new FunctionCallContent(name, CrmTools.PluginName, $"call_{name}_{n++}", args));
        }

        return new ChatMessageContent(AuthorRole.Assistant, items) { ModelId = ModelId };
    }

    private static ChatMessageContent Text(string text) => new(AuthorRole.Assistant, text) { ModelId = ModelId };

    private static T? Parse<T>(string? json) where T : class
    {
        if (string.IsNullOrWhiteSpace(json) || json[0] != '{')
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Clip(string text, int max) => text.Length > max ? text[..max] : text;
}
