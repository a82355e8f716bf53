using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using SoulKg.Domain.Agents;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.FollowUps;
using SoulKg.Infrastructure.Analytics;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace SoulKg.Web.Features.Analytics;

/// <summary>
/// Response examples for the /metrics documents: typed instances written with the API's own JSON options, so an
/// example cannot drift from the contract (the same approach as <see cref="Infrastructure.ApiExamplesSchemaTransformer"/>).
/// </summary>
public sealed class MetricsExamplesSchemaTransformer(IOptions<JsonOptions> json) : IOpenApiSchemaTransformer
{
    private static readonly Guid NewLead = Guid.Parse("0197a3b0-2c3d-7e4f-9a5b-6c7d8e9f0a10");
    private static readonly Guid Qualification = Guid.Parse("0197a3b0-2c3d-7e4f-9a5b-6c7d8e9f0a11");
    private static readonly Guid Manager = Guid.Parse("0197a3a0-1b2c-7d3e-8f4a-5b6c7d8e9f01");

    private static readonly Dictionary<Type, object> Examples = new()
    {
        [typeof(FunnelMetrics)] = new FunnelMetrics(
            Deals: 40,
            Stages: [new StageFigure(NewLead, "Новый лид", "#90A4AE", 0, false, 12, new MoneyTotals(240_000, 1_500)),
                new StageFigure(Qualification, "Квалификация", "#4FC3F7", 1, false, 6, new MoneyTotals(180_000, 950))],
            Won: new ClosedFigure(9, new MoneyTotals(610_000, 3_700)),
            Lost: new ClosedFigure(13, new MoneyTotals(150_000, 800)),
            Conversions: [new ConversionStep(NewLead, "Новый лид", Qualification, "Квалификация", 40, 28, 0.7)],
            OverallConversion: 0.7,
            WinRate: 0.225,
            Cohorts: [new CohortRow(new DateOnly(2026, 9, 1), 22, [22, 16], 6, 6 / 22.0), new CohortRow(new DateOnly(2026, 10, 1), 18, [18, 12], 3, 3 / 18.0)],
            StageTimes: [new StageTime(NewLead, "Новый лид", new TimeStat(31, 5_400, 9_870.5))],
            LostReasons: [new LostReasonFigure(Guid.Parse("0197a3b0-4e5f-7a6b-9c7d-8e9f0a1b2c3d"), "Дорого", 7, new MoneyTotals(95_000, 400))],
            Sources: [new SourceFigure(ClientSource.WhatsApp, 31, 8, 9, 8 / 31.0, new MoneyTotals(540_000, 3_700))],
            WonByMonth: [new MonthFigure(new DateOnly(2026, 9, 1), 5, new MoneyTotals(320_000, 2_200)), new MonthFigure(new DateOnly(2026, 10, 1), 4, new MoneyTotals(290_000, 1_500))]),
        [typeof(PeopleMetrics)] = new PeopleMetrics(
            [new UserFigure(Manager, "Айгуль Токтогулова", true, 18, 5, new MoneyTotals(410_000, 1_200), 64, 410, new TimeStat(230, 95, 240.7), 11, 3)],
            new WorkloadNow(ChatsWithAgent: 27, ChatsWaitingForPerson: 2, ChatsWithPeople: 5, OpenDeals: 43, OpenDealsUnassigned: 4)),
        [typeof(AgentMetrics)] = new AgentMetrics(
            FirstResponse: new ResponseSplit(new TimeStat(120, 12, 15.2), new TimeStat(14, 420, 1_260), 3),
            Replies: new ResponseSplit(new TimeStat(980, 9, 11.4), new TimeStat(260, 180, 600.3), 12),
            Resolution: new ResolutionFigure(85, 61, 61 / 85.0),
            Handoffs: [new HandoffFigure(Holder.WaitingForHuman, "Клиент просит человека", 9, 8, new TimeStat(8, 300, 540))],
            HandoffToHumanReply: new TimeStat(8, 300, 540),
            HandoffsUnanswered: 1,
            Runs: [new AgentRunFigure(AgentKind.Qualification, 640, 590, 31, 4, 15, 15 / 640.0, new TimeStat(640, 1.8, 2.4))],
            RunsTotal: new AgentRunFigure(null, 640, 590, 31, 4, 15, 15 / 640.0, new TimeStat(640, 1.8, 2.4)),
            FollowUps: [new FollowUpFigure(FollowUpKind.QuietClient, 120, 41, 41 / 120.0, new TimeStat(41, 5_400, 9_100), 12, 1)],
            FollowUpsTotal: new FollowUpFigure(null, 120, 41, 41 / 120.0, new TimeStat(41, 5_400, 9_100), 12, 1)),
    };

    public Task TransformAsync(Microsoft.OpenApi.OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is null && Examples.TryGetValue(context.JsonTypeInfo.Type, out var example))
        {
            schema.Examples = [JsonSerializer.SerializeToNode(example, context.JsonTypeInfo.Type, json.Value.SerializerOptions)!];
        }

        return Task.CompletedTask;
    }
}

public static class AnalyticsWebDependencyInjection
{
    public static IServiceCollection AddSoulKgAnalyticsApi(this IServiceCollection services) =>
        services.Configure<OpenApiOptions>("v1", options => options.AddSchemaTransformer<MetricsExamplesSchemaTransformer>());
}
