using System.Net;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Crm;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.Integration;

public sealed class DealsApiTests(SoulKgWebFactory app) : IClassFixture<SoulKgWebFactory>
{
    private const string OwnerName = "Владелец Тестов";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NewDealStartsOnTheFirstStageWithAHistoryRow()
    {
        var (_, api) = await app.NewOrgAsync();
        var stages = await api.StagesAsync();
        var client = await api.CreateClientAsync("Бакыт Жумабеков", CrmApi.NewPhone());

        using var response = await api.PostJsonAsync("/api/v1/deals", new { clientId = client.Id, adults = 3, children = 1, travelMonth = 7 });

        var deal = await response.ReadAsync<DealDetails>(HttpStatusCode.Created);
        response.Headers.Location.ShouldNotBeNull().ToString().ShouldEndWith($"/api/v1/deals/{deal.Id}");
        response.ETagOf().ShouldBe($"\"{deal.Version}\"");
        stages.Count.ShouldBe(9);
        deal.StageId.ShouldBe(stages[0].Id);
        deal.StageName.ShouldBe(stages[0].Name);
        deal.Status.ShouldBe(DealStatus.Open);
        deal.ClientName.ShouldBe("Бакыт Жумабеков");
        var row = (await api.HistoryAsync(deal.Id)).ShouldHaveSingleItem();
        row.FromStageId.ShouldBeNull();
        row.ToStageId.ShouldBe(stages[0].Id);
        row.ActorType.ShouldBe(ActorType.ApiClient);
        row.ActorName.ShouldBe(OwnerName);
    }

    [Fact]
    public async Task UnknownStageAnswers400()
    {
        var (_, api) = await app.NewOrgAsync();
        var client = await api.CreateClientAsync("Клиент", CrmApi.NewPhone());

        using var response = await api.PostJsonAsync("/api/v1/deals", new { clientId = client.Id, adults = 1, stageId = Guid.NewGuid() });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("stageId");
    }

    [Fact]
    public async Task AnotherOrganisationsStageIsAnUnknownStage()
    {
        var (_, api) = await app.NewOrgAsync();
        var (_, other) = await app.NewOrgAsync();
        var foreignStage = (await other.StagesAsync())[1];
        var client = await api.CreateClientAsync("Клиент", CrmApi.NewPhone());
        var (deal, _) = await api.CreateDealAsync(client.Id);

        using var create = await api.PostJsonAsync("/api/v1/deals", new { clientId = client.Id, adults = 1, stageId = foreignStage.Id });
        using var move = await api.MoveAsync(deal.Id, foreignStage.Id);

        await create.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await move.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task AnotherOrganisationsDealIsNotFound()
    {
        var (_, api) = await app.NewOrgAsync();
        var (_, stranger) = await app.NewOrgAsync();
        var client = await api.CreateClientAsync("Клиент", CrmApi.NewPhone());
        var (deal, _) = await api.CreateDealAsync(client.Id);
        var strangerStage = (await stranger.StagesAsync())[1];

        using var get = await stranger.GetAsync($"/api/v1/deals/{deal.Id}", Ct);
        using var history = await stranger.GetAsync($"/api/v1/deals/{deal.Id}/history", Ct);
        using var move = await stranger.MoveAsync(deal.Id, strangerStage.Id);
        using var createForTheirClient = await stranger.PostJsonAsync("/api/v1/deals", new { clientId = client.Id, adults = 1 });

        await get.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await history.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await move.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await createForTheirClient.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task MoveWithAStaleIfMatchAnswers412()
    {
        var (_, api) = await app.NewOrgAsync();
        var stages = await api.StagesAsync();
        var client = await api.CreateClientAsync("Клиент", CrmApi.NewPhone());
        var (deal, etag) = await api.CreateDealAsync(client.Id);

        using var first = await api.MoveAsync(deal.Id, stages[1].Id, etag);
        var moved = await first.ReadAsync<DealDetails>();
        moved.StageId.ShouldBe(stages[1].Id);
        first.ETagOf().ShouldNotBe(etag);

        using var stale = await api.MoveAsync(deal.Id, stages[2].Id, etag);

        await stale.ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);
        using var get = await api.GetAsync($"/api/v1/deals/{deal.Id}", Ct);
        (await get.ReadAsync<DealDetails>()).StageId.ShouldBe(stages[1].Id);
        (await api.HistoryAsync(deal.Id)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task MalformedIfMatchAnswers400()
    {
        var (_, api) = await app.NewOrgAsync();
        var stages = await api.StagesAsync();
        var client = await api.CreateClientAsync("Клиент", CrmApi.NewPhone());
        var (deal, _) = await api.CreateDealAsync(client.Id);

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/deals/{deal.Id}/move")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { stageId = stages[1].Id }),
        };
        request.Headers.TryAddWithoutValidation("If-Match", "version-one");
        using var response = await api.SendAsync(request, Ct);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("If-Match");
    }

    [Fact]
    public async Task ConcurrentMovesWithTheSameIfMatchLetExactlyOneWin()
    {
        var (_, api) = await app.NewOrgAsync();
        var stages = await api.StagesAsync();
        var client = await api.CreateClientAsync("Клиент", CrmApi.NewPhone());
        var (deal, etag) = await api.CreateDealAsync(client.Id);

        var responses = await Task.WhenAll(api.MoveAsync(deal.Id, stages[1].Id, etag), api.MoveAsync(deal.Id, stages[2].Id, etag));
        try
        {
            responses.Select(r => r.StatusCode).ShouldBe([HttpStatusCode.OK, HttpStatusCode.PreconditionFailed], ignoreOrder: true);
            var winner = await responses.Single(r => r.StatusCode == HttpStatusCode.OK).ReadAsync<DealDetails>();
            var history = await api.HistoryAsync(deal.Id);
            history.Count.ShouldBe(2);
            history[0].ToStageId.ShouldBe(winner.StageId);
            using var get = await api.GetAsync($"/api/v1/deals/{deal.Id}", Ct);
            (await get.ReadAsync<DealDetails>()).StageId.ShouldBe(winner.StageId);
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task ClosedDealCannotMove()
    {
        var (_, api) = await app.NewOrgAsync();
        var stages = await api.StagesAsync();
        var client = await api.CreateClientAsync("Клиент", CrmApi.NewPhone());
        var (deal, _) = await api.CreateDealAsync(client.Id);
        using (var win = await api.PostJsonAsync($"/api/v1/deals/{deal.Id}/win", new { reason = "Оплатили" }))
        {
            (await win.ReadAsync<DealDetails>()).Status.ShouldBe(DealStatus.Won);
        }

        using var move = await api.MoveAsync(deal.Id, stages[3].Id);
        using var winAgain = await api.PostJsonAsync($"/api/v1/deals/{deal.Id}/win", new { });

        await move.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await winAgain.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        (await api.HistoryAsync(deal.Id)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task LoseWithAReasonThenReopenRecordsEveryChangeWithTheActor()
    {
        var (owner, api) = await app.NewOrgAsync();
        var sales = await app.MemberClientAsync(owner, OrgRole.Sales);
        var stages = await api.StagesAsync();
        var reason = (await ReasonsAsync(api))[0];
        var client = await api.CreateClientAsync("Клиент", CrmApi.NewPhone());
        var (deal, _) = await api.CreateDealAsync(client.Id);
        using (var move = await sales.MoveAsync(deal.Id, stages[2].Id))
        {
            move.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var lose = await api.PostJsonAsync($"/api/v1/deals/{deal.Id}/lose", new { lostReasonId = reason.Id, note = "Нашли дешевле" });
        var lost = await lose.ReadAsync<DealDetails>();
        lost.Status.ShouldBe(DealStatus.Lost);
        lost.LostReasonId.ShouldBe(reason.Id);
        lost.LostNote.ShouldBe("Нашли дешевле");
        lost.StageId.ShouldBe(stages[2].Id);

        using var loseAgain = await api.PostJsonAsync($"/api/v1/deals/{deal.Id}/lose", new { lostReasonId = reason.Id });
        await loseAgain.ShouldBeProblemAsync(HttpStatusCode.Conflict);

        using var reopen = await sales.PostJsonAsync($"/api/v1/deals/{deal.Id}/reopen", new { });
        var reopened = await reopen.ReadAsync<DealDetails>();
        reopened.Status.ShouldBe(DealStatus.Open);
        reopened.StageId.ShouldBe(stages[2].Id);
        reopened.LostReasonId.ShouldBeNull();

        var history = await api.HistoryAsync(deal.Id);
        history.Select(h => (h.FromStatus, h.ToStatus)).ShouldBe(
            [(DealStatus.Lost, DealStatus.Open), (DealStatus.Open, DealStatus.Lost), (DealStatus.Open, DealStatus.Open), (DealStatus.Open, DealStatus.Open)]);
        history.Select(h => h.ActorName).ShouldBe(["Sales Тестов", OwnerName, "Sales Тестов", OwnerName]);
        history.ShouldAllBe(h => h.ActorType == ActorType.ApiClient);
        history[1].Reason.ShouldBe($"{reason.Name}: Нашли дешевле");
        history[2].FromStageId.ShouldBe(stages[0].Id);
        history[2].ToStageId.ShouldBe(stages[2].Id);
        history.Select(h => h.At).ShouldBeInOrder(SortDirection.Descending);
    }

    [Fact]
    public async Task LoseWithAnUnknownReasonAnswers400()
    {
        var (_, api) = await app.NewOrgAsync();
        var client = await api.CreateClientAsync("Клиент", CrmApi.NewPhone());
        var (deal, _) = await api.CreateDealAsync(client.Id);

        using var response = await api.PostJsonAsync($"/api/v1/deals/{deal.Id}/lose", new { lostReasonId = Guid.NewGuid() });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("lostReasonId");
    }

    [Fact]
    public async Task InvalidDealFieldsAnswer400WithCamelCaseNames()
    {
        var (_, api) = await app.NewOrgAsync();
        var client = await api.CreateClientAsync("Клиент", CrmApi.NewPhone());

        using var response = await api.PostJsonAsync("/api/v1/deals", new
        {
            clientId = client.Id, adults = -1, budgetAmount = 100, budgetCurrency = "EUR", travelFrom = "2026-08-10", travelTo = "2026-08-01",
        });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldBe(["adults", "budgetCurrency", "travelTo"], ignoreOrder: true);
    }

    [Fact]
    public async Task ListFiltersByStageStatusTravelMonthAndSearch()
    {
        var (_, api) = await app.NewOrgAsync();
        var stages = await api.StagesAsync();
        var reason = (await ReasonsAsync(api))[0];
        var phone = CrmApi.NewPhone();
        var alice = await api.CreateClientAsync("Алина Исакова", phone);
        var bob = await api.CreateClientAsync("Бекжан Усенов", CrmApi.NewPhone());
        var (july, _) = await api.CreateDealAsync(alice.Id, new { title = "Иссык-Куль на неделю", travelMonth = 7 });
        var (august, _) = await api.CreateDealAsync(bob.Id, new { travelFrom = "2026-08-03", travelTo = "2026-08-10" });
        var (lost, _) = await api.CreateDealAsync(bob.Id, new { title = "Ала-Арча" });
        using (var move = await api.MoveAsync(august.Id, stages[1].Id))
        {
            move.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var lose = await api.PostJsonAsync($"/api/v1/deals/{lost.Id}/lose", new { lostReasonId = reason.Id }))
        {
            lose.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await ListAsync(api, $"stageId={stages[1].Id}")).ShouldBe([august.Id]);
        (await ListAsync(api, "status=Lost")).ShouldBe([lost.Id]);
        (await ListAsync(api, "status=Open")).ShouldBe([august.Id, july.Id]);
        (await ListAsync(api, "travelMonth=7")).ShouldBe([july.Id]);
        (await ListAsync(api, "travelMonth=8")).ShouldBe([august.Id]);
        (await ListAsync(api, "search=" + Uri.EscapeDataString("иссык"))).ShouldBe([july.Id]);
        (await ListAsync(api, "search=" + Uri.EscapeDataString("Усенов"))).ShouldBe([lost.Id, august.Id]);
        (await ListAsync(api, "search=" + CrmApi.E164(phone)[^7..])).ShouldBe([july.Id]);
        (await ListAsync(api, $"clientId={bob.Id}&status=Open")).ShouldBe([august.Id]);

        using var badMonth = await api.GetAsync("/api/v1/deals?travelMonth=13", Ct);
        (await badMonth.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("travelMonth");
    }

    [Fact]
    public async Task OperatorIsForbiddenFromDeals()
    {
        var (owner, api) = await app.NewOrgAsync();
        var operatorApi = await app.MemberClientAsync(owner, OrgRole.Operator);
        var client = await api.CreateClientAsync("Клиент", CrmApi.NewPhone());
        var (deal, _) = await api.CreateDealAsync(client.Id);

        using var list = await operatorApi.GetAsync("/api/v1/deals", Ct);
        using var get = await operatorApi.GetAsync($"/api/v1/deals/{deal.Id}", Ct);
        using var create = await operatorApi.PostJsonAsync("/api/v1/deals", new { clientId = client.Id, adults = 1 });
        using var move = await operatorApi.MoveAsync(deal.Id, (await api.StagesAsync())[1].Id);
        using var clients = await operatorApi.GetAsync("/api/v1/clients", Ct);

        await list.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await get.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await create.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await move.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await clients.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        (await api.HistoryAsync(deal.Id)).Count.ShouldBe(1);
    }

    private static async Task<List<Guid>> ListAsync(HttpClient api, string query)
    {
        using var response = await api.GetAsync("/api/v1/deals?" + query, Ct);
        return [.. (await response.ReadAsync<CursorPage<DealListItem>>()).Items.Select(d => d.Id)];
    }

    private static async Task<List<LostReasonItem>> ReasonsAsync(HttpClient api)
    {
        using var response = await api.GetAsync("/api/v1/funnel/lost-reasons", Ct);
        return await response.ReadAsync<List<LostReasonItem>>();
    }
}
