using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SoulKg.Domain;
using SoulKg.Domain.Agents;
using SoulKg.Domain.Catalog;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Agents;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.Agents;

/// <summary>Agent settings with versions, diff and rollback (service and REST), the trial, and the run log API with its permissions.</summary>
public sealed class AgentsApiTests(AgentsWebFactory app) : IClassFixture<AgentsWebFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EverySaveIsANewVersionWithItsDiff_TheSameSettingsAddNone_AndRollbackRestoresAnOldVersionAsANewOne()
    {
        var org = await app.CreateOrgAsync();
        await using var scope = UserScope(org);
        var configs = scope.ServiceProvider.GetRequiredService<AgentConfigService>();
        var v1 = await configs.GetAsync(AgentKind.Sales, Ct);
        v1.CurrentVersion.ShouldBe(1);

        var v2 = await configs.SaveAsync(AgentKind.Sales, v1.Settings with { PromptRu = "Новый промпт", Temperature = 0.7 }, "теплее", ct: Ct);
        v2.CurrentVersion.ShouldBe(2);
        var same = await configs.SaveAsync(AgentKind.Sales, v2.Settings, null, ct: Ct);
        same.CurrentVersion.ShouldBe(2);

        var versions = await configs.VersionsAsync(AgentKind.Sales, Ct);
        versions.Select(v => v.Number).ShouldBe([2, 1]);
        versions[0].Changes.Select(c => c.Field).ShouldBe(["Temperature", "PromptRu"]);
        versions[0].Changes.Single(c => c.Field == "PromptRu").ShouldSatisfyAllConditions(c => c.Old.ShouldBe(v1.Settings.PromptRu), c => c.New.ShouldBe("Новый промпт"));
        versions[0].Comment.ShouldBe("теплее");
        versions[0].AuthorName.ShouldBe("Владелец Тестов");

        var v3 = await configs.RollbackAsync(AgentKind.Sales, 1, Ct);
        v3.CurrentVersion.ShouldBe(3);
        v3.Settings.ShouldBe(v1.Settings with { Tools = v3.Settings.Tools });
        v3.Settings.Tools.ShouldBe(v1.Settings.Tools);
        (await configs.DiffAsync(AgentKind.Sales, 2, 3, Ct)).Select(c => c.Field).ShouldBe(["Temperature", "PromptRu"]);
        (await configs.VersionsAsync(AgentKind.Sales, Ct))[0].Comment.ShouldBe("Откат к версии 1");
    }

    [Fact]
    public async Task InvalidSettingsAreRefusedAndWriteNothing()
    {
        var org = await app.CreateOrgAsync();
        await using var scope = UserScope(org);
        var configs = scope.ServiceProvider.GetRequiredService<AgentConfigService>();
        var current = (await configs.GetAsync(AgentKind.Qualification, Ct)).Settings;

        (await Should.ThrowAsync<DomainException>(() => configs.SaveAsync(AgentKind.Qualification, current with { Temperature = 5 }, null, ct: Ct))).Field.ShouldBe("temperature");
        (await Should.ThrowAsync<DomainException>(() => configs.SaveAsync(AgentKind.Qualification, current with { Provider = "nowhere" }, null, ct: Ct))).Field.ShouldBe("provider");
        (await Should.ThrowAsync<DomainException>(() => configs.SaveAsync(AgentKind.Qualification, current with { Tools = ["rm_rf"] }, null, ct: Ct))).Field.ShouldBe("tools");
        (await Should.ThrowAsync<DomainException>(() => configs.RollbackAsync(AgentKind.Qualification, 42, Ct))).Kind.ShouldBe(DomainErrorKind.NotFound);
        (await configs.VersionsAsync(AgentKind.Qualification, Ct)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task TheRestApiListsSavesWithETagsAndValidates()
    {
        var org = await app.CreateOrgAsync();
        using var client = await app.CreateBearerClientAsync(org);

        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/agents", Ct);
        list.GetArrayLength().ShouldBe(5);

        using var get = await client.GetAsync("/api/v1/agents/sales", Ct);
        get.StatusCode.ShouldBe(HttpStatusCode.OK);
        var etag = get.Headers.ETag!.Tag;
        var details = await get.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var settings = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(details.GetProperty("settings").GetRawText())!;

        settings["temperature"] = JsonSerializer.SerializeToElement(5);
        using (var bad = await client.PutAsJsonAsync("/api/v1/agents/sales", new { settings, comment = "x" }, Ct))
        {
            var problem = await bad.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
            problem.ErrorFields().ShouldContain(f => f.EndsWith("temperature", StringComparison.Ordinal));
        }

        settings["temperature"] = JsonSerializer.SerializeToElement(0.5);
        var put = new HttpRequestMessage(HttpMethod.Put, "/api/v1/agents/sales") { Content = JsonContent.Create(new { settings, comment = "через API" }) };
        put.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(etag));
        using (var saved = await client.SendAsync(put, Ct))
        {
            saved.StatusCode.ShouldBe(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync(Ct));
            (await saved.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("currentVersion").GetInt32().ShouldBe(2);
        }

        settings["temperature"] = JsonSerializer.SerializeToElement(0.9);
        var stale = new HttpRequestMessage(HttpMethod.Put, "/api/v1/agents/sales") { Content = JsonContent.Create(new { settings }) };
        stale.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(etag));
        using (var conflict = await client.SendAsync(stale, Ct))
        {
            await conflict.ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);
        }

        using (var rollback = await client.PostAsync("/api/v1/agents/sales/versions/1/rollback", null, Ct))
        {
            rollback.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var versions = await client.GetFromJsonAsync<JsonElement>("/api/v1/agents/sales/versions", Ct);
        versions.GetArrayLength().ShouldBe(3);
        using var unknown = await client.GetAsync("/api/v1/agents/astrologer", Ct);
        await unknown.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ATrialRunsTheRealLoopOnASampleDialogueAndWritesNothing()
    {
        var org = await app.CreateOrgAsync();
        await using (var scope = UserScope(org))
        {
            await scope.ServiceProvider.GetRequiredService<TourService>().CreateAsync(new TourInput
            {
                NameRu = "Сон-Куль: юрты", Region = "Сон-Куль", Months = [7, 8], PriceUsd = 250, GroupMin = 1, GroupMax = 10,
            }, Ct);
        }

        using var client = await app.CreateBearerClientAsync(org);
        int deals;
        await using (var db = await DbAsync(org.OrgId))
        {
            deals = await db.Deals.CountAsync(Ct);
        }

        using var response = await client.PostAsJsonAsync("/api/v1/agents/qualification/trial", new
        {
            dialogue = new[] { new { author = "client", text = "Здравствуйте, хотим в июле на Сон-Куль, нас двое взрослых, бюджет 300$" } },
        }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        var trial = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        trial.GetProperty("outcome").GetString().ShouldBe("Trial");
        trial.GetProperty("reply").GetString().ShouldNotBeNull().ShouldContain("Сон-Куль: юрты");
        trial.GetProperty("toolCalls").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ShouldContain(AgentTools.SearchTours);
        await using (var db = await DbAsync(org.OrgId))
        {
            (await db.Deals.CountAsync(Ct)).ShouldBe(deals);
            (await db.AgentRuns.CountAsync(Ct)).ShouldBe(0);
        }

        using var bad = await client.PostAsJsonAsync("/api/v1/agents/qualification/trial", new { dialogue = new[] { new { author = "agent", text = "Привет" } } }, Ct);
        (await bad.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("dialogue");
    }

    [Fact]
    public async Task SettingsAreForAdminsAndTheRunLogForEveryoneWhoWorksChats()
    {
        var org = await app.CreateOrgAsync();
        var sales = await app.CreateUserAsync(org, OrgRole.Sales);
        using var client = await app.CreateBearerClientAsync(sales);

        using (var settings = await client.GetAsync("/api/v1/agents", Ct))
        {
            settings.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        using (var runs = await client.GetAsync("/api/v1/agents/runs", Ct))
        {
            runs.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var badFilter = await client.GetAsync("/api/v1/agents/runs?outcome=Bogus", Ct))
        {
            (await badFilter.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("outcome");
        }

        using var missing = await client.GetAsync($"/api/v1/agents/runs/{Guid.NewGuid()}", Ct);
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheAgentsApi()
    {
        using var client = app.CreateClient();
        var document = await client.GetStringAsync("/openapi/v1.json", Ct);
        document.ShouldContain("/api/v1/agents/runs");
        document.ShouldContain("/api/v1/agents/{kind}/trial");
    }

    private AsyncServiceScope UserScope(TestAccount account)
    {
        var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetUser(account.OrgId, account.UserId, account.Role, "Владелец Тестов");
        return scope;
    }

    private async Task<SoulKgDbContext> DbAsync(Guid orgId)
    {
        var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId);
        return await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync(Ct);
    }
}
