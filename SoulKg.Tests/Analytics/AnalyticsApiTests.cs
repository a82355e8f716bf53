using System.Net;
using System.Text;
using System.Text.Json;
using SoulKg.Domain.Tenancy;
using SoulKg.Tests.TestInfrastructure;
using static SoulKg.Tests.Analytics.AnalyticsHistory;

namespace SoulKg.Tests.Analytics;

/// <summary>The /api/v1/metrics surface: who may read it, filter validation, JSON and CSV shapes, and the OpenAPI document.</summary>
public sealed class AnalyticsApiTests(SoulKgWebFactory app) : IClassFixture<SoulKgWebFactory>
{
    private const string Period = "from=2026-09-01&to=2026-10-31";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("from=2026-10-01&to=2026-09-30", "to")]
    [InlineData("from=1999-12-31&to=2000-01-05", "from")]
    [InlineData("from=2020-01-01&to=2026-09-30", "to")]
    [InlineData("responsibleUserId=00000000-0000-0000-0000-000000000000", "responsibleUserId")]
    [InlineData("tourId=00000000-0000-0000-0000-000000000000", "tourId")]
    public async Task BadFiltersAnswerAValidationProblemNamingTheField(string query, string field)
    {
        var (_, api) = await app.NewOrgAsync();

        foreach (var path in new[] { "/api/v1/metrics/funnel", "/api/v1/metrics/people", "/api/v1/metrics/agents", "/api/v1/metrics/funnel/stages.csv" })
        {
            using var response = await api.GetAsync($"{path}?{query}", Ct);

            (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldBe([field], path);
        }
    }

    [Theory]
    [InlineData("from=2026-13-01")]
    [InlineData("source=Pigeon")]
    public async Task UnreadableFiltersAnswer400(string query)
    {
        var (_, api) = await app.NewOrgAsync();

        using var response = await api.GetAsync($"/api/v1/metrics/funnel?{query}", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task SalesMayNotReadMetrics()
    {
        var (owner, _) = await app.NewOrgAsync();
        using var sales = await app.MemberClientAsync(owner, OrgRole.Sales);

        using var response = await sales.GetAsync($"/api/v1/metrics/funnel?{Period}", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task FunnelJsonUsesCamelCaseNamesAndEnumNames()
    {
        var (owner, api) = await app.NewOrgAsync();
        await SeedAsync(owner);

        using var response = await api.GetAsync($"/api/v1/metrics/funnel?{Period}&source=Instagram", Ct);

        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        root.GetProperty("deals").GetInt32().ShouldBe(2);
        root.GetProperty("winRate").GetDouble().ShouldBe(0.5);
        root.GetProperty("won").GetProperty("amount").GetProperty("kgs").GetDecimal().ShouldBe(12_500m);
        root.GetProperty("sources")[0].GetProperty("source").GetString().ShouldBe("Instagram");
        root.GetProperty("conversions")[0].GetProperty("rate").GetDouble().ShouldBe(0.5);
        root.GetProperty("wonByMonth").GetArrayLength().ShouldBe(2);
        root.GetProperty("wonByMonth")[0].GetProperty("month").GetString().ShouldBe("2026-09-01");
    }

    [Fact]
    public async Task EachFigureDownloadsAsCsvForExcel()
    {
        var (owner, api) = await app.NewOrgAsync();
        await SeedAsync(owner);

        using var response = await api.GetAsync($"/api/v1/metrics/funnel/conversions.csv?{Period}", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType.ShouldNotBeNull().MediaType.ShouldBe("text/csv");
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        bytes[..3].ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF });
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("С этапа;На этап;Дошли до первого;Дошли до второго;Конверсия, %");
        lines[1].ShouldBe("Новый лид;Квалификация;3;1;33,3");
        lines[^1].ShouldBe("Выиграно из всех;;3;1;33,3");
        foreach (var (group, figures) in SoulKg.Web.Features.Analytics.AnalyticsTables.Figures)
        {
            foreach (var figure in figures)
            {
                using var csv = await api.GetAsync($"/api/v1/metrics/{group}/{figure}.csv?{Period}", Ct);
                csv.StatusCode.ShouldBe(HttpStatusCode.OK, $"{group}/{figure}");
            }
        }
    }

    [Fact]
    public async Task UnknownFigureIsNotFound()
    {
        var (_, api) = await app.NewOrgAsync();

        using var response = await api.GetAsync("/api/v1/metrics/funnel/nothing.csv", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task OpenApiDocumentDescribesMetricsWithExamples()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/openapi/v1.json", Ct);

        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var paths = document.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/metrics/funnel", "/api/v1/metrics/people", "/api/v1/metrics/agents", "/api/v1/metrics/{group}/{figure}.csv" })
        {
            paths.TryGetProperty(path, out _).ShouldBeTrue(path);
        }

        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        foreach (var schema in new[] { "FunnelMetrics", "PeopleMetrics", "AgentMetrics" })
        {
            schemas.GetProperty(schema).GetProperty("examples").GetArrayLength().ShouldBe(1, schema);
        }
    }

    /// <summary>Three deals in the period: one Instagram deal won (12 500 som), one Instagram lost, one WhatsApp still new.</summary>
    private async Task SeedAsync(TestAccount owner)
    {
        var h = await new AnalyticsHistory(app, owner.OrgId).LoadAsync();
        var client = h.Client("Асель");
        var d1 = Bishkek(2026, 9, 3, 10);
        h.Deal(client, d1, SoulKg.Domain.Clients.ClientSource.Instagram, value: 12_500, valueCurrency: "KGS").Move(1, d1.AddHours(1)).Win(d1.AddDays(1));
        h.Deal(client, Bishkek(2026, 10, 3, 10), SoulKg.Domain.Clients.ClientSource.Instagram).Lose("Дорого", Bishkek(2026, 10, 4, 10));
        h.Deal(client, Bishkek(2026, 10, 7, 10));
        await h.SaveAsync();
    }
}
