using System.Net;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Crm;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.Integration;

public sealed class FunnelSettingsTests(SoulKgWebFactory app) : IClassFixture<SoulKgWebFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NewOrganisationHasTheNineDefaultStagesAndLostReasons()
    {
        var (_, api) = await app.NewOrgAsync();

        var stages = await api.StagesAsync();
        using var reasons = await api.GetAsync("/api/v1/funnel/lost-reasons", Ct);

        stages.Select(s => s.Name).ShouldBe(SoulKg.Domain.Funnel.FunnelStage.Defaults.Select(d => d.Name));
        stages.Select(s => s.Order).ShouldBe(Enumerable.Range(0, 9));
        (await reasons.ReadAsync<List<LostReasonItem>>()).Select(r => r.Name).ShouldBe(SoulKg.Domain.Funnel.LostReason.Defaults);
    }

    [Fact]
    public async Task RenamingAStageKeepsItsIdSoHistoryShowsTheNewName()
    {
        var (_, api) = await app.NewOrgAsync();
        var stages = await api.StagesAsync();
        var client = await api.CreateClientAsync("Клиент", CrmApi.NewPhone());
        var (deal, _) = await api.CreateDealAsync(client.Id);
        using (var move = await api.MoveAsync(deal.Id, stages[1].Id))
        {
            move.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var rename = await api.PutJsonAsync($"/api/v1/funnel/stages/{stages[1].Id}", new { name = "Выяснение", color = "#123456", staleAfterDays = 3 });

        var renamed = await rename.ReadAsync<StageItem>();
        renamed.Id.ShouldBe(stages[1].Id);
        renamed.Name.ShouldBe("Выяснение");
        renamed.Order.ShouldBe(stages[1].Order);
        (await api.HistoryAsync(deal.Id))[0].ToStageId.ShouldBe(stages[1].Id);
        using var get = await api.GetAsync($"/api/v1/deals/{deal.Id}", Ct);
        (await get.ReadAsync<DealDetails>()).StageName.ShouldBe("Выяснение");
    }

    [Fact]
    public async Task RenamingToAnotherActiveStagesNameAnswers409()
    {
        var (_, api) = await app.NewOrgAsync();
        var stages = await api.StagesAsync();

        using var response = await api.PutJsonAsync($"/api/v1/funnel/stages/{stages[1].Id}", new { name = stages[0].Name.ToUpperInvariant(), color = "#123456", staleAfterDays = 7 });

        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task ReorderSetsTheOrderOfEveryActiveStage()
    {
        var (_, api) = await app.NewOrgAsync();
        var reversed = (await api.StagesAsync()).Select(s => s.Id).Reverse().ToList();

        using var response = await api.PutJsonAsync("/api/v1/funnel/stages/order", new { stageIds = reversed });

        (await response.ReadAsync<List<StageItem>>()).Select(s => s.Id).ShouldBe(reversed);
        (await api.StagesAsync()).Select(s => s.Id).ShouldBe(reversed);
    }

    [Fact]
    public async Task ReorderNeedsEachActiveStageExactlyOnce()
    {
        var (_, api) = await app.NewOrgAsync();
        var ids = (await api.StagesAsync()).Select(s => s.Id).ToList();
        var (_, other) = await app.NewOrgAsync();
        var foreign = (await other.StagesAsync())[0].Id;

        List<Guid>[] wrong =
        [
            [.. ids.Skip(1)],
            [.. ids.Skip(1), ids[1]],
            [.. ids, ids[0]],
            [.. ids.Skip(1), foreign],
            [],
        ];
        foreach (var stageIds in wrong)
        {
            using var response = await api.PutJsonAsync("/api/v1/funnel/stages/order", new { stageIds });
            (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("stageIds");
        }

        (await api.StagesAsync()).Select(s => s.Id).ShouldBe(ids);
    }

    [Fact]
    public async Task ArchivingAStageWithOpenDealsAnswers409UntilTheyMove()
    {
        var (_, api) = await app.NewOrgAsync();
        var stages = await api.StagesAsync();
        var client = await api.CreateClientAsync("Клиент", CrmApi.NewPhone());
        var (deal, _) = await api.CreateDealAsync(client.Id, new { stageId = stages[2].Id });

        using (var refused = await api.PostJsonAsync($"/api/v1/funnel/stages/{stages[2].Id}/archive", null))
        {
            await refused.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        }

        (await api.StagesAsync()).Count.ShouldBe(9);
        using (var move = await api.MoveAsync(deal.Id, stages[3].Id))
        {
            move.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var archived = await api.PostJsonAsync($"/api/v1/funnel/stages/{stages[2].Id}/archive", null))
        {
            archived.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        (await api.StagesAsync()).Select(s => s.Id).ShouldNotContain(stages[2].Id);
        using var all = await api.GetAsync("/api/v1/funnel/stages?includeArchived=true", Ct);
        (await all.ReadAsync<List<StageItem>>()).Single(s => s.Id == stages[2].Id).IsArchived.ShouldBeTrue();
        using var moveBack = await api.MoveAsync(deal.Id, stages[2].Id);
        (await moveBack.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("stageId");
        using var createThere = await api.PostJsonAsync("/api/v1/deals", new { clientId = client.Id, adults = 1, stageId = stages[2].Id });
        await createThere.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        (await api.HistoryAsync(deal.Id)).Last().ToStageId.ShouldBe(stages[2].Id);
    }

    [Fact]
    public async Task SalesCannotChangeTheFunnel()
    {
        var (owner, api) = await app.NewOrgAsync();
        var sales = await app.MemberClientAsync(owner, OrgRole.Sales);
        var stages = await api.StagesAsync();

        using var rename = await sales.PutJsonAsync($"/api/v1/funnel/stages/{stages[0].Id}", new { name = "Моё", color = "#123456", staleAfterDays = 7 });
        using var archive = await sales.PostJsonAsync($"/api/v1/funnel/stages/{stages[8].Id}/archive", null);

        await rename.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await archive.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        (await sales.StagesAsync()).Select(s => s.Name).ShouldBe(stages.Select(s => s.Name));
    }
}
