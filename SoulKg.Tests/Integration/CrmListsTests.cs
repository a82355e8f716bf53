using System.Net;
using System.Text;
using SoulKg.Domain.Clients;
using SoulKg.Infrastructure.Crm;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.Integration;

/// <summary>
/// The CSV exports of deals, tours and partners (what they hold, the filter applied, only the caller's organisation),
/// the client timeline walked page by page, partner assignment to deals, and the bad-input cases of the CRM core that
/// the per-resource API tests leave out.
/// </summary>
public sealed class CrmListsTests(SoulKgWebFactory app) : IClassFixture<SoulKgWebFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DealsCsvHoldsTheFilteredDealsOfTheCallersOrganisationOnly()
    {
        var (_, api) = await app.NewOrgAsync();
        var (_, other) = await app.NewOrgAsync();
        var stages = await api.StagesAsync();
        var aida = await api.CreateClientAsync("Аида Токтогулова", CrmApi.NewPhone());
        var (moved, _) = await api.CreateDealAsync(aida.Id, new { title = "Сон-Куль; на конях", budgetAmount = 1200, budgetCurrency = "USD", adults = 3 });
        var (stays, _) = await api.CreateDealAsync(aida.Id, new { title = "Бишкек за день" });
        using (var move = await api.MoveAsync(moved.Id, stages[2].Id))
        {
            move.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var stranger = await other.CreateClientAsync("Чужой Клиент", CrmApi.NewPhone());
        await other.CreateDealAsync(stranger.Id, new { title = "Чужая заявка" });

        var all = await CsvAsync(api, "/api/v1/deals/export.csv");
        var filtered = await CsvAsync(api, $"/api/v1/deals/export.csv?stageId={stages[2].Id}");

        all.Header.ShouldStartWith("Id;Клиент;Название;Этап;Статус;Взрослых;");
        all.Rows.Select(r => r[0]).ShouldBe([stays.Id.ToString(), moved.Id.ToString()], ignoreOrder: true);
        all.Text.ShouldNotContain("Чуж");
        var row = filtered.Rows.ShouldHaveSingleItem();
        row[0].ShouldBe(moved.Id.ToString());
        row[1].ShouldBe("Аида Токтогулова");
        row[2].ShouldBe("Сон-Куль; на конях"); // quoted because of the separator
        row[3].ShouldBe(stages[2].Name);
        row[5].ShouldBe("3");
        filtered.Text.ShouldContain(";USD;");
    }

    [Fact]
    public async Task ToursCsvHoldsTheFilteredToursOfTheCallersOrganisationOnly()
    {
        var (_, api) = await app.NewOrgAsync();
        var (_, other) = await app.NewOrgAsync();
        var karakol = await CreateTourAsync(api, "Каракол зимой", "Каракол");
        await CreateTourAsync(api, "Иссык-Куль летом", "Иссык-Куль");
        await CreateTourAsync(other, "Чужой Каракол", "Каракол");

        var all = await CsvAsync(api, "/api/v1/tours/export.csv");
        var filtered = await CsvAsync(api, "/api/v1/tours/export.csv?region=" + Uri.EscapeDataString("Каракол"));

        all.Header.ShouldStartWith("Id;Название;Название (англ.);Регион;");
        all.Rows.Count.ShouldBe(2);
        all.Text.ShouldNotContain("Чуж");
        var row = filtered.Rows.ShouldHaveSingleItem();
        row[0].ShouldBe(karakol.ToString());
        row[1].ShouldBe("Каракол зимой");
        row[3].ShouldBe("Каракол");
    }

    [Fact]
    public async Task PartnersCsvHoldsTheFilteredPartnersOfTheCallersOrganisationOnly()
    {
        var (_, api) = await app.NewOrgAsync();
        var (_, other) = await app.NewOrgAsync();
        var guide = await CreatePartnerAsync(api, "Guide", "Эрлан-гид");
        await CreatePartnerAsync(api, "Transport", "Водитель Нурлан");
        await CreatePartnerAsync(other, "Guide", "Чужой гид");

        var all = await CsvAsync(api, "/api/v1/partners/export.csv");
        var guides = await CsvAsync(api, "/api/v1/partners/export.csv?type=Guide");

        all.Header.ShouldStartWith("Id;Тип;Название;");
        all.Rows.Count.ShouldBe(2);
        all.Text.ShouldNotContain("Чуж");
        var row = guides.Rows.ShouldHaveSingleItem();
        row[0].ShouldBe(guide.ToString());
        row[1].ShouldBe("Guide");
        row[2].ShouldBe("Эрлан-гид");
    }

    [Fact]
    public async Task ExportWithABadFilterAnswers400()
    {
        var (_, api) = await app.NewOrgAsync();

        using var response = await api.GetAsync("/api/v1/deals/export.csv?travelMonth=0", Ct);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("travelMonth");
    }

    [Fact]
    public async Task TimelinePagesWalkEveryEventOnceNewestFirst()
    {
        var (_, api) = await app.NewOrgAsync();
        var client = await api.CreateClientAsync("Длинная История", CrmApi.NewPhone());
        for (var i = 0; i < 23; i++)
        {
            using var note = await api.PostJsonAsync($"/api/v1/clients/{client.Id}/notes", new { text = $"Заметка {i:D2}" });
            note.StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        var seen = new List<TimelineItem>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var url = $"/api/v1/clients/{client.Id}/timeline?limit=5" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            using var response = await api.GetAsync(url, Ct);
            var page = await response.ReadAsync<CursorPage<TimelineItem>>();
            page.Items.Count.ShouldBeLessThanOrEqualTo(5);
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 20);

        // 23 notes and the "client created" event: five pages, no event twice, none missing.
        seen.Count.ShouldBe(24);
        pages.ShouldBe(5);
        seen.Select(e => e.Id).Distinct().Count().ShouldBe(24);
        seen.Select(e => e.At).ShouldBeInOrder(SortDirection.Descending);
        seen[^1].Kind.ShouldBe(TimelineKind.ClientCreated);
        seen.Where(e => e.Kind == TimelineKind.Note).Select(e => e.Summary)
            .ShouldBe(Enumerable.Range(0, 23).Reverse().Select(i => $"Заметка {i:D2}"));
    }

    [Fact]
    public async Task PartnerIsAssignedOnceListedOnTheTimelineAndRemoved()
    {
        var (_, api) = await app.NewOrgAsync();
        var client = await api.CreateClientAsync("Турист С Гидом", CrmApi.NewPhone());
        var (deal, _) = await api.CreateDealAsync(client.Id);
        var guide = await CreatePartnerAsync(api, "Guide", "Азамат-гид");

        using var assign = await api.PostJsonAsync($"/api/v1/deals/{deal.Id}/partners", new { partnerId = guide, note = "Говорит по-английски" });
        var assignment = await assign.ReadAsync<DealPartnerItem>(HttpStatusCode.Created);
        using var again = await api.PostJsonAsync($"/api/v1/deals/{deal.Id}/partners", new { partnerId = guide });

        assignment.PartnerName.ShouldBe("Азамат-гид");
        assignment.Note.ShouldBe("Говорит по-английски");
        (await again.ShouldBeProblemAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain("уже назначен");
        (await DealPartnersAsync(api, deal.Id)).Select(p => p.PartnerId).ShouldBe([guide]);
        using (var timeline = await api.GetAsync($"/api/v1/clients/{client.Id}/timeline", Ct))
        {
            var latest = (await timeline.ReadAsync<CursorPage<TimelineItem>>()).Items[0];
            latest.Kind.ShouldBe(TimelineKind.PartnerAssigned);
            latest.Summary.ShouldContain("Азамат-гид");
        }

        using var remove = await api.DeleteAsync($"/api/v1/deals/{deal.Id}/partners/{guide}", Ct);
        using var removeAgain = await api.DeleteAsync($"/api/v1/deals/{deal.Id}/partners/{guide}", Ct);

        remove.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await removeAgain.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await DealPartnersAsync(api, deal.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task InactiveOrForeignPartnersAreNotAssigned()
    {
        var (_, api) = await app.NewOrgAsync();
        var (_, other) = await app.NewOrgAsync();
        var client = await api.CreateClientAsync("Турист", CrmApi.NewPhone());
        var (deal, _) = await api.CreateDealAsync(client.Id);
        var resting = await CreatePartnerAsync(api, "Accommodation", "Юрточный лагерь", isActive: false);
        var foreign = await CreatePartnerAsync(other, "Guide", "Чужой гид");
        var foreignClient = await other.CreateClientAsync("Чужой турист", CrmApi.NewPhone());
        var (foreignDeal, _) = await other.CreateDealAsync(foreignClient.Id);
        var mine = await CreatePartnerAsync(api, "Guide", "Свой гид");

        using var inactive = await api.PostJsonAsync($"/api/v1/deals/{deal.Id}/partners", new { partnerId = resting });
        using var theirPartner = await api.PostJsonAsync($"/api/v1/deals/{deal.Id}/partners", new { partnerId = foreign });
        using var theirDeal = await api.PostJsonAsync($"/api/v1/deals/{foreignDeal.Id}/partners", new { partnerId = mine });
        using var empty = await api.PostJsonAsync($"/api/v1/deals/{deal.Id}/partners", new { partnerId = Guid.Empty });

        await inactive.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await theirPartner.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await theirDeal.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await empty.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("partnerId");
        (await DealPartnersAsync(api, deal.Id)).ShouldBeEmpty();
        (await DealPartnersAsync(other, foreignDeal.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task BudgetWithoutACurrencyAnswers400AndCreatesNothing()
    {
        var (owner, api) = await app.NewOrgAsync();
        var client = await api.CreateClientAsync("Клиент", CrmApi.NewPhone());

        using var response = await api.PostJsonAsync("/api/v1/deals", new { clientId = client.Id, adults = 2, budgetAmount = 50000 });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("budgetCurrency");
        (await CountAsync("deals", owner.OrgId)).ShouldBe(0);
    }

    [Fact]
    public async Task BudgetWithoutACurrencyOnUpdateAnswers400AndKeepsTheDeal()
    {
        var (_, api) = await app.NewOrgAsync();
        var client = await api.CreateClientAsync("Клиент", CrmApi.NewPhone());
        var (deal, etag) = await api.CreateDealAsync(client.Id, new { budgetAmount = 700, budgetCurrency = "USD" });

        using var response = await api.SendJsonAsync(HttpMethod.Put, $"/api/v1/deals/{deal.Id}", new { clientId = client.Id, adults = 2, budgetAmount = 900 }, etag);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("budgetCurrency");
        using var get = await api.GetAsync($"/api/v1/deals/{deal.Id}", Ct);
        var kept = await get.ReadAsync<DealDetails>();
        kept.BudgetAmount.ShouldBe(700m);
        kept.BudgetCurrency.ShouldBe("USD");
        get.ETagOf().ShouldBe(etag);
    }

    [Theory]
    [InlineData(-1, 10, "groupMin")]
    [InlineData(0, 10, "groupMin")]
    [InlineData(5, -3, "groupMax")]
    public async Task NegativeGroupSizeOfATourAnswers400AndCreatesNothing(int min, int max, string field)
    {
        var (owner, api) = await app.NewOrgAsync();

        using var response = await api.PostJsonAsync("/api/v1/tours",
            new { nameRu = "Таш-Рабат", region = "Нарын", durationDays = 2, priceKgs = 9000m, groupMin = min, groupMax = max });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain(field);
        (await CountAsync("tours", owner.OrgId)).ShouldBe(0);
    }

    [Fact]
    public async Task NegativeGroupSizeOfADealAnswers400AndCreatesNothing()
    {
        var (owner, api) = await app.NewOrgAsync();
        var client = await api.CreateClientAsync("Клиент", CrmApi.NewPhone());

        using var response = await api.PostJsonAsync("/api/v1/deals", new { clientId = client.Id, adults = 1, children = -2 });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("children");
        (await CountAsync("deals", owner.OrgId)).ShouldBe(0);
    }

    [Fact]
    public async Task InvalidPhoneOnUpdateAnswers400AndKeepsTheClient()
    {
        var (_, api) = await app.NewOrgAsync();
        var phone = CrmApi.NewPhone();
        var client = await api.CreateClientAsync("Клиент С Номером", phone);
        using var before = await api.GetAsync($"/api/v1/clients/{client.Id}", Ct);
        var etag = before.ETagOf();

        using var response = await api.SendJsonAsync(HttpMethod.Put, $"/api/v1/clients/{client.Id}", new { name = "Новое Имя", phones = new[] { "12-34" } }, etag);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain(f => f.StartsWith("phones", StringComparison.Ordinal));
        using var after = await api.GetAsync($"/api/v1/clients/{client.Id}", Ct);
        var kept = await after.ReadAsync<ClientDetails>();
        kept.Name.ShouldBe("Клиент С Номером");
        kept.Contacts.Select(c => c.Value).ShouldContain(CrmApi.E164(phone));
        after.ETagOf().ShouldBe(etag);
    }

    [Fact]
    public async Task DepartureInThePastCreatesNothing()
    {
        var (owner, api) = await app.NewOrgAsync();
        var tour = await CreateTourAsync(api, "Ала-Арча", "Ала-Арча");
        var yesterday = DateOnly.FromDateTime(SoulKg.Domain.BishkekTime.ToLocal(DateTimeOffset.UtcNow).Date).AddDays(-1);

        using var response = await api.PostJsonAsync($"/api/v1/tours/{tour}/departures", new { tourId = tour, startDate = yesterday, seats = 8 });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("startDate");
        (await CountAsync("departures", owner.OrgId)).ShouldBe(0);
    }

    [Fact]
    public async Task GuessedDealIdOfAnotherOrganisationChangesNothingThere()
    {
        var (owner, api) = await app.NewOrgAsync();
        var (_, stranger) = await app.NewOrgAsync();
        var client = await api.CreateClientAsync("Клиент", CrmApi.NewPhone());
        var (deal, _) = await api.CreateDealAsync(client.Id, new { title = "Своя" });
        var strangerStages = await stranger.StagesAsync();

        using var update = await stranger.SendJsonAsync(HttpMethod.Put, $"/api/v1/deals/{deal.Id}", new { clientId = client.Id, adults = 9, title = "Взлом" }, null);
        using var win = await stranger.PostJsonAsync($"/api/v1/deals/{deal.Id}/win", new { });
        using var reopen = await stranger.PostJsonAsync($"/api/v1/deals/{deal.Id}/reopen", new { stageId = strangerStages[0].Id });
        using var move = await stranger.MoveAsync(deal.Id, strangerStages[3].Id);

        await update.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await win.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await reopen.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await move.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        using var get = await api.GetAsync($"/api/v1/deals/{deal.Id}", Ct);
        var kept = await get.ReadAsync<DealDetails>();
        kept.Title.ShouldBe("Своя");
        kept.Adults.ShouldBe(2);
        kept.Status.ShouldBe(SoulKg.Domain.Funnel.DealStatus.Open);
        (await api.HistoryAsync(deal.Id)).Count.ShouldBe(1);
        (await CountAsync("deal_stage_changes", owner.OrgId)).ShouldBe(1);
    }

    private sealed record Csv(string Text, string Header, List<string[]> Rows);

    private static async Task<Csv> CsvAsync(HttpClient api, string url)
    {
        using var response = await api.GetAsync(url, Ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, Encoding.UTF8.GetString(bytes));
        response.Content.Headers.ContentType.ShouldNotBeNull().MediaType.ShouldBe("text/csv");
        bytes.Take(3).ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF });
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        return new Csv(text, lines[0], [.. lines.Skip(1).Select(SplitRow)]);
    }

    /// <summary>A ';'-separated row with RFC 4180 quoting (enough for these rows: no line breaks inside fields).</summary>
    private static string[] SplitRow(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted && ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
            {
                field.Append('"');
                i++;
            }
            else if (ch == '"')
            {
                quoted = !quoted;
            }
            else if (ch == ';' && !quoted)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(ch);
            }
        }

        fields.Add(field.ToString());
        return [.. fields];
    }

    private static async Task<Guid> CreateTourAsync(HttpClient api, string name, string region)
    {
        using var response = await api.PostJsonAsync("/api/v1/tours", new { nameRu = name, region, durationDays = 3, priceKgs = 15000m, groupMin = 1, groupMax = 12 });
        return (await response.ReadAsync<TourItem>(HttpStatusCode.Created)).Id;
    }

    private static async Task<Guid> CreatePartnerAsync(HttpClient api, string type, string name, bool isActive = true)
    {
        using var response = await api.PostJsonAsync("/api/v1/partners", new { type, name, languages = new[] { "ru" }, isActive });
        return (await response.ReadAsync<PartnerItem>(HttpStatusCode.Created)).Id;
    }

    private static async Task<IReadOnlyList<DealPartnerItem>> DealPartnersAsync(HttpClient api, Guid dealId)
    {
        using var response = await api.GetAsync($"/api/v1/deals/{dealId}/partners", Ct);
        return await response.ReadAsync<List<DealPartnerItem>>();
    }

    /// <summary>Rows of an organisation counted as the admin (past RLS), so a half-written row would show.</summary>
    private Task<long> CountAsync(string table, Guid orgId) =>
        Sql.ScalarAsync<long>(app.Database.AdminConnectionString, $"SELECT count(*) FROM {table} WHERE org_id = @o", ("o", orgId));
}
