using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.Integration;

public sealed class ApiPlatformTests(SoulKgWebFactory app) : IClassFixture<SoulKgWebFactory>
{
    [Fact]
    public async Task AppConnectsToItsTestDatabaseAsTheAppRole()
    {
        await using var connection = await app.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(TestContext.Current.CancellationToken);

        (await connection.ScalarAsync<string>("SELECT current_database()")).ShouldBe(app.Database.Name);
        (await connection.ScalarAsync<string>("SELECT current_user")).ShouldBe(PostgresDatabase.AppRole);
    }

    [Fact]
    public async Task LivenessProbeAnswers200()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/health/live", TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ReadinessProbeAnswers200WhenTheDatabaseIsUp()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldBe("Healthy");
    }

    [Fact]
    public async Task OpenApiDocumentDescribesTheTokenEndpoint()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var paths = document.RootElement.GetProperty("paths");
        paths.TryGetProperty("/api/v1/auth/token", out var token).ShouldBeTrue();
        token.TryGetProperty("post", out _).ShouldBeTrue();
        paths.TryGetProperty("/api/v1/me", out _).ShouldBeTrue();
        document.RootElement.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("Bearer", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task UnknownApiRouteAnswersProblem404()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/api/v1/no-such-thing", TestContext.Current.CancellationToken);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }
}
