using System.Net;
using System.Text;
using System.Text.Json;
using SoulKg.Domain.Clients;
using SoulKg.Infrastructure.Crm;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.Integration;

public sealed class ClientsApiTests(SoulKgWebFactory app) : IClassFixture<SoulKgWebFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateAnswers201WithLocationAndETagAndANormalisedPhone()
    {
        var (_, api) = await app.NewOrgAsync();
        var phone = CrmApi.NewPhone();

        using var response = await api.PostJsonAsync("/api/v1/clients", new { name = "  Айбек Осмонов ", phones = new[] { phone }, tags = new[] { "vip" } });

        var client = await response.ReadAsync<ClientDetails>(HttpStatusCode.Created);
        client.Name.ShouldBe("Айбек Осмонов");
        client.Contacts.ShouldHaveSingleItem().ShouldBe(new ContactDto(ContactKind.Phone, CrmApi.E164(phone), true));
        response.Headers.Location.ShouldNotBeNull().ToString().ShouldEndWith($"/api/v1/clients/{client.Id}");
        response.ETagOf().ShouldBe($"\"{client.Version}\"");

        using var get = await api.GetAsync(response.Headers.Location, Ct);
        (await get.ReadAsync<ClientDetails>()).Id.ShouldBe(client.Id);
        get.ETagOf().ShouldBe(response.ETagOf());
    }

    [Fact]
    public async Task InvalidPhoneAnswers400NamingTheCamelCaseField()
    {
        var (_, api) = await app.NewOrgAsync();

        using var response = await api.PostJsonAsync("/api/v1/clients", new { name = "Без номера", phones = new[] { "12345" } });

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.ErrorFields().ShouldContain("phones[0]");
    }

    [Fact]
    public async Task DuplicatePhoneInAnotherFormatAnswers409NamingTheExistingClient()
    {
        var (_, api) = await app.NewOrgAsync();
        var phone = CrmApi.NewPhone();
        var existing = await api.CreateClientAsync("Гульнара Мамытова", phone);

        using var response = await api.PostJsonAsync("/api/v1/clients", new { name = "Другая Гульнара", phones = new[] { CrmApi.E164(phone)[1..] } });

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        var detail = problem.GetProperty("detail").GetString().ShouldNotBeNull();
        detail.ShouldContain(existing.Id.ToString());
        detail.ShouldContain("Гульнара Мамытова");
        problem.GetProperty("field").GetString().ShouldBe("phones");
        await AssertClientCountAsync(api, 1);
    }

    [Fact]
    public async Task DuplicatePhoneAddedByUpdateAnswers409()
    {
        var (_, api) = await app.NewOrgAsync();
        var phone = CrmApi.NewPhone();
        await api.CreateClientAsync("Первый", phone);
        var second = await api.CreateClientAsync("Второй", CrmApi.NewPhone());

        using var response = await api.PutJsonAsync($"/api/v1/clients/{second.Id}", new { name = "Второй", phones = new[] { CrmApi.E164(phone) } });

        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task SamePhoneIsAllowedInAnotherOrganisation()
    {
        var (_, first) = await app.NewOrgAsync();
        var (_, second) = await app.NewOrgAsync();
        var phone = CrmApi.NewPhone();
        await first.CreateClientAsync("Клиент первой фирмы", phone);

        var other = await second.CreateClientAsync("Клиент второй фирмы", phone);

        other.Contacts.ShouldHaveSingleItem().Value.ShouldBe(CrmApi.E164(phone));
    }

    [Fact]
    public async Task SearchFindsAClientByANameFragmentAndByAPhoneFragment()
    {
        var (_, api) = await app.NewOrgAsync();
        var phone = CrmApi.NewPhone();
        var wanted = await api.CreateClientAsync("Нурлан Токтогулов", phone);
        await api.CreateClientAsync("Асель Бекова", CrmApi.NewPhone());
        var lastDigits = CrmApi.E164(phone)[^6..];

        (await SearchAsync(api, "токтогул")).ShouldBe([wanted.Id]);
        (await SearchAsync(api, lastDigits[..2] + "-" + lastDigits[2..])).ShouldContain(wanted.Id);
        (await SearchAsync(api, "Нет такого")).ShouldBeEmpty();
    }

    [Fact]
    public async Task CursorPagingWalksEveryClientOnceNewestFirst()
    {
        var (_, api) = await app.NewOrgAsync();
        var created = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            created.Add((await api.CreateClientAsync($"Клиент {i}", CrmApi.NewPhone())).Id);
        }

        var seen = new List<Guid>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var url = "/api/v1/clients?limit=3" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            using var response = await api.GetAsync(url, Ct);
            var page = await response.ReadAsync<CursorPage<ClientListItem>>();
            page.Items.Count.ShouldBeLessThanOrEqualTo(3);
            seen.AddRange(page.Items.Select(c => c.Id));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 10);

        pages.ShouldBe(3);
        seen.ShouldBe(Enumerable.Reverse(created).ToList());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("cursor=MTIzOmFiYw", "cursor")]
    public async Task BadLimitOrCursorAnswers400(string query, string field)
    {
        var (_, api) = await app.NewOrgAsync();

        using var response = await api.GetAsync("/api/v1/clients?" + query, Ct);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain(field);
    }

    [Fact]
    public async Task StaleIfMatchAnswers412AndKeepsTheNewerCopy()
    {
        var (_, api) = await app.NewOrgAsync();
        var phone = CrmApi.NewPhone();
        using var created = await api.PostJsonAsync("/api/v1/clients", new { name = "Версия 1", phones = new[] { phone } });
        var client = await created.ReadAsync<ClientDetails>(HttpStatusCode.Created);
        var firstETag = created.ETagOf();

        using var update = await api.SendJsonAsync(HttpMethod.Put, $"/api/v1/clients/{client.Id}", new { name = "Версия 2", phones = new[] { phone } }, firstETag);
        (await update.ReadAsync<ClientDetails>()).Name.ShouldBe("Версия 2");
        update.ETagOf().ShouldNotBe(firstETag);

        using var stale = await api.SendJsonAsync(HttpMethod.Put, $"/api/v1/clients/{client.Id}", new { name = "Версия 3", phones = new[] { phone } }, firstETag);

        await stale.ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);
        using var get = await api.GetAsync($"/api/v1/clients/{client.Id}", Ct);
        (await get.ReadAsync<ClientDetails>()).Name.ShouldBe("Версия 2");
    }

    [Fact]
    public async Task AnotherOrganisationsClientIsNotFoundForGetPutAndMerge()
    {
        var (_, owner) = await app.NewOrgAsync();
        var (_, stranger) = await app.NewOrgAsync();
        var theirs = await owner.CreateClientAsync("Чужой клиент", CrmApi.NewPhone());
        var mine = await stranger.CreateClientAsync("Свой клиент", CrmApi.NewPhone());

        using var get = await stranger.GetAsync($"/api/v1/clients/{theirs.Id}", Ct);
        using var put = await stranger.PutJsonAsync($"/api/v1/clients/{theirs.Id}", new { name = "Взлом" });
        using var mergeInto = await stranger.PostJsonAsync($"/api/v1/clients/{theirs.Id}/merge", new { mergedId = mine.Id });
        using var mergeFrom = await stranger.PostJsonAsync($"/api/v1/clients/{mine.Id}/merge", new { mergedId = theirs.Id });
        using var timeline = await stranger.GetAsync($"/api/v1/clients/{theirs.Id}/timeline", Ct);

        await get.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await put.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await mergeInto.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await mergeFrom.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await timeline.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        using var stillThere = await owner.GetAsync($"/api/v1/clients/{theirs.Id}", Ct);
        (await stillThere.ReadAsync<ClientDetails>()).Name.ShouldBe("Чужой клиент");
    }

    [Fact]
    public async Task MergeMovesContactsDealsAndTimelineToTheSurvivorAndIsAudited()
    {
        var (owner, api) = await app.NewOrgAsync();
        var survivorPhone = CrmApi.NewPhone();
        var mergedPhone = CrmApi.NewPhone();
        var survivor = await api.CreateClientAsync("Айдай Садыкова", survivorPhone);
        var merged = await api.CreateClientAsync("Айдай С.", mergedPhone);
        var (deal, _) = await api.CreateDealAsync(merged.Id);
        using (var note = await api.PostJsonAsync($"/api/v1/clients/{merged.Id}/notes", new { text = "Звонила из Оша" }))
        {
            note.StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        using var response = await api.PostJsonAsync($"/api/v1/clients/{survivor.Id}/merge", new { mergedId = merged.Id });

        var result = await response.ReadAsync<ClientDetails>();
        result.Id.ShouldBe(survivor.Id);
        result.Contacts.Select(c => c.Value).ShouldBe([CrmApi.E164(survivorPhone), CrmApi.E164(mergedPhone)], ignoreOrder: true);
        result.Contacts.Count(c => c.IsPrimary).ShouldBe(1);

        using var deals = await api.GetAsync($"/api/v1/deals?clientId={survivor.Id}", Ct);
        (await deals.ReadAsync<CursorPage<DealListItem>>()).Items.ShouldHaveSingleItem().Id.ShouldBe(deal.Id);
        using var dealGet = await api.GetAsync($"/api/v1/deals/{deal.Id}", Ct);
        (await dealGet.ReadAsync<DealDetails>()).ClientId.ShouldBe(survivor.Id);

        var timeline = await TimelineAsync(api, survivor.Id);
        timeline[0].Kind.ShouldBe(TimelineKind.Merged);
        timeline.ShouldContain(e => e.Kind == TimelineKind.Note && e.Summary == "Звонила из Оша");
        timeline.ShouldContain(e => e.Kind == TimelineKind.DealCreated && e.DealId == deal.Id);

        using var mergedGet = await api.GetAsync($"/api/v1/clients/{merged.Id}", Ct);
        await mergedGet.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        using var mergedPut = await api.PutJsonAsync($"/api/v1/clients/{merged.Id}", new { name = "Воскрешение" });
        await mergedPut.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        using var again = await api.PostJsonAsync($"/api/v1/clients/{survivor.Id}/merge", new { mergedId = merged.Id });
        await again.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await AssertClientCountAsync(api, 1);

        await using var connection = await Sql.OpenAsync(app.Database.AdminConnectionString);
        var audited = await connection.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE org_id = @o AND entity_type = 'Client' AND entity_id = @id AND action = 'Updated' AND changes ? 'MergedIntoId'",
            ("o", owner.OrgId), ("id", merged.Id.ToString()));
        audited.ShouldBe(1);
    }

    [Fact]
    public async Task MergingAClientWithItselfAnswers400()
    {
        var (_, api) = await app.NewOrgAsync();
        var client = await api.CreateClientAsync("Один", CrmApi.NewPhone());

        using var response = await api.PostJsonAsync($"/api/v1/clients/{client.Id}/merge", new { mergedId = client.Id });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("mergedId");
    }

    [Fact]
    public async Task TimelineIsNewestFirstWithNotesAndStageChanges()
    {
        var (_, api) = await app.NewOrgAsync();
        var stages = await api.StagesAsync();
        var client = await api.CreateClientAsync("Тимур Алиев", CrmApi.NewPhone());
        var (deal, etag) = await api.CreateDealAsync(client.Id);
        using (var note = await api.PostJsonAsync($"/api/v1/clients/{client.Id}/notes", new { text = "Хочет на Сон-Куль" }))
        {
            note.StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        using (var move = await api.MoveAsync(deal.Id, stages[1].Id, etag, "Ответил"))
        {
            move.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var timeline = await TimelineAsync(api, client.Id);

        timeline.Select(e => e.Kind).ShouldBe([TimelineKind.StageChanged, TimelineKind.Note, TimelineKind.DealCreated, TimelineKind.ClientCreated]);
        timeline.Select(e => e.At).ShouldBeInOrder(SortDirection.Descending);
        timeline[0].Summary.ShouldContain(stages[0].Name);
        timeline[0].Summary.ShouldContain(stages[1].Name);
        timeline[0].DealId.ShouldBe(deal.Id);
        timeline[0].ActorName.ShouldBe("Владелец Тестов");
        timeline[1].Summary.ShouldBe("Хочет на Сон-Куль");
    }

    [Fact]
    public async Task CsvExportHasABomAHeaderAndTheClient()
    {
        var (_, api) = await app.NewOrgAsync();
        await api.CreateClientAsync("Экспорт Тестович", CrmApi.NewPhone());

        using var response = await api.GetAsync("/api/v1/clients/export.csv", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType.ShouldNotBeNull().MediaType.ShouldBe("text/csv");
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        bytes.Take(3).ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF });
        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].TrimEnd('\r').ShouldStartWith("Id;Имя;Телефон;E-mail;");
        lines.Length.ShouldBe(2);
        lines[1].ShouldContain("Экспорт Тестович");
    }

    private static async Task<List<Guid>> SearchAsync(HttpClient api, string search)
    {
        using var response = await api.GetAsync("/api/v1/clients?search=" + Uri.EscapeDataString(search), Ct);
        return [.. (await response.ReadAsync<CursorPage<ClientListItem>>()).Items.Select(c => c.Id)];
    }

    private static async Task<IReadOnlyList<TimelineItem>> TimelineAsync(HttpClient api, Guid clientId)
    {
        using var response = await api.GetAsync($"/api/v1/clients/{clientId}/timeline", Ct);
        return (await response.ReadAsync<CursorPage<TimelineItem>>()).Items;
    }

    private static async Task AssertClientCountAsync(HttpClient api, int expected)
    {
        using var response = await api.GetAsync("/api/v1/clients", Ct);
        (await response.ReadAsync<CursorPage<ClientListItem>>()).Items.Count.ShouldBe(expected);
    }
}
