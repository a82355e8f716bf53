using Microsoft.AspNetCore.Http.HttpResults;
using SoulKg.Domain;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Analytics;
using SoulKg.Web.Infrastructure;

namespace SoulKg.Web.Features.Analytics;

public static class AnalyticsEndpoints
{
    /// <summary>Where the page's CSV buttons point: outside /api, so the browser's cookie signs the download in.</summary>
    public const string DownloadPath = "/analytics/export";

    public static void MapAnalyticsEndpoints(this RouteGroupBuilder api)
    {
        var metrics = api.MapGroup("/metrics").WithTags("Metrics").RequireAuthorization(Permissions.ViewAnalytics)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesValidationProblem();

        metrics.MapGet("/funnel", async ([AsParameters] MetricsQuery query, AnalyticsService analytics, TimeProvider clock, CancellationToken ct) =>
                TypedResults.Ok(await analytics.FunnelAsync(query.ToFilter(clock.GetUtcNow()), ct)))
            .WithSummary("Funnel: deals per stage with value, conversions (overall and by lead month), median time per stage, lost reasons, sources, won value by month");
        metrics.MapGet("/people", async ([AsParameters] MetricsQuery query, AnalyticsService analytics, TimeProvider clock, CancellationToken ct) =>
                TypedResults.Ok(await analytics.PeopleAsync(query.ToFilter(clock.GetUtcNow()), ct)))
            .WithSummary("People: deals, chats and reply times per user, and the workload right now");
        metrics.MapGet("/agents", async ([AsParameters] MetricsQuery query, AnalyticsService analytics, TimeProvider clock, CancellationToken ct) =>
                TypedResults.Ok(await analytics.AgentsAsync(query.ToFilter(clock.GetUtcNow()), ct)))
            .WithSummary("Agents vs people: first and every response time, chats resolved without a person, handoffs by reason and time to the first human reply");
        metrics.MapGet("/{group}/{figure}.csv", CsvAsync)
            .WithSummary("One figure as CSV for Excel (UTF-8 with BOM, ';'-separated): funnel/{stages|conversions|cohorts|stage-times|lost-reasons|sources|won-by-month}, " +
                "people/{users|workload}, agents/{response-times|resolution|handoffs}")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>The same CSV for the signed-in page (cookie); registered outside /api/v1 with the other non-API endpoints.</summary>
    public static WebApplication MapAnalyticsDownloads(this WebApplication app)
    {
        app.MapGet(DownloadPath + "/{group}/{figure}.csv", CsvAsync)
            .RequireAuthorization(Permissions.ViewAnalytics)
            .AddEndpointFilter<ValidationFilter>()
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> CsvAsync(
        string group, string figure, [AsParameters] MetricsQuery query, AnalyticsService analytics, TimeProvider clock, CancellationToken ct)
    {
        if (!AnalyticsTables.Exists(group, figure))
        {
            return ApiProblems.NotFound($"Нет такого показателя: {group}/{figure}.");
        }

        var filter = query.ToFilter(clock.GetUtcNow());
        var table = await AnalyticsTables.LoadAsync(analytics, group, figure, filter, ct);
        return CsvExport.Stream($"analytics-{group}-{figure}", clock, table.Headers, table.Rows.ToAsyncEnumerable(), row => row, ct);
    }
}
