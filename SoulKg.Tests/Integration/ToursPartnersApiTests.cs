using System.Net;
using SoulKg.Domain;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Crm;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.Integration;

public sealed class ToursPartnersApiTests(SoulKgWebFactory app) : IClassFixture<SoulKgWebFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateOnly Today => DateOnly.FromDateTime(BishkekTime.ToLocal(DateTimeOffset.UtcNow).Date);

    [Fact]
    public async Task TourWithoutAPriceAnswers400()
    {
        var (_, api) = await app.NewOrgAsync();

        using var response = await api.PostJsonAsync("/api/v1/tours", new { nameRu = "Сон-Куль", region = "Нарын", durationDays = 2 });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("priceKgs");
    }

    [Fact]
    public async Task TourIsCreatedWith201AndLocation()
    {
        var (_, api) = await app.NewOrgAsync();

        using var response = await api.PostJsonAsync("/api/v1/tours", TourBody("Сон-Куль"));

        var tour = await response.ReadAsync<TourItem>(HttpStatusCode.Created);
        tour.PriceKgs.ShouldBe(12500m);
        response.Headers.Location.ShouldNotBeNull().ToString().ShouldEndWith($"/api/v1/tours/{tour.Id}");
    }

    [Fact]
    public async Task DepartureInThePastAnswers400()
    {
        var (_, api) = await app.NewOrgAsync();
        var tour = await CreateTourAsync(api, "Ала-Куль");

        using var response = await api.PostJsonAsync($"/api/v1/tours/{tour.Id}/departures", new { tourId = tour.Id, startDate = Today.AddDays(-1), seats = 10 });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("startDate");
    }

    [Fact]
    public async Task BookingMoreSeatsThanAreLeftAnswers409()
    {
        var (_, api) = await app.NewOrgAsync();
        var tour = await CreateTourAsync(api, "Каракол");
        var departure = await AddDepartureAsync(api, tour.Id, seats: 3);
        var dealId = await NewDealAsync(api);

        using var first = await api.PostJsonAsync($"/api/v1/departures/{departure.Id}/book", new { dealId, seats = 2 });
        var booked = await first.ReadAsync<DepartureItem>();
        booked.SeatsBooked.ShouldBe(2);
        booked.SeatsLeft.ShouldBe(1);

        using var over = await api.PostJsonAsync($"/api/v1/departures/{departure.Id}/book", new { dealId, seats = 2 });

        await over.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        (await SeatsBookedAsync(departure.Id)).ShouldBe(2);
    }

    [Fact]
    public async Task ConcurrentBookingsOfTheLastSeatLetExactlyOneThrough()
    {
        var (_, api) = await app.NewOrgAsync();
        var tour = await CreateTourAsync(api, "Иссык-Куль");
        var departure = await AddDepartureAsync(api, tour.Id, seats: 4);
        var firstDeal = await NewDealAsync(api);
        using (var fill = await api.PostJsonAsync($"/api/v1/departures/{departure.Id}/book", new { dealId = firstDeal, seats = 3 }))
        {
            fill.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var deals = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            deals.Add(await NewDealAsync(api));
        }

        var responses = await Task.WhenAll(deals.Select(dealId => api.PostJsonAsync($"/api/v1/departures/{departure.Id}/book", new { dealId, seats = 1 })));
        try
        {
            responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(1);
            responses.Count(r => r.StatusCode == HttpStatusCode.Conflict).ShouldBe(4);
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }

        (await SeatsBookedAsync(departure.Id)).ShouldBe(4);
        var bookings = await Sql.ScalarAsync<long>(app.Database.AdminConnectionString,
            "SELECT coalesce(sum(seats), 0) FROM departure_bookings WHERE departure_id = @d", ("d", departure.Id));
        bookings.ShouldBe(4);
    }

    [Fact]
    public async Task ArchivedToursAreHiddenUnlessAskedFor()
    {
        var (_, api) = await app.NewOrgAsync();
        var kept = await CreateTourAsync(api, "Чон-Кемин");
        var archived = await CreateTourAsync(api, "Старый тур");

        using (var archive = await api.PostJsonAsync($"/api/v1/tours/{archived.Id}/archive", null))
        {
            archive.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        (await TourIdsAsync(api, "")).ShouldBe([kept.Id]);
        (await TourIdsAsync(api, "?includeArchived=true")).ShouldBe([archived.Id, kept.Id]);
        using var departure = await api.PostJsonAsync($"/api/v1/tours/{archived.Id}/departures", new { tourId = archived.Id, startDate = Today.AddDays(10), seats = 5 });
        await departure.ShouldBeProblemAsync(HttpStatusCode.Conflict);

        using (var unarchive = await api.PostJsonAsync($"/api/v1/tours/{archived.Id}/unarchive", null))
        {
            unarchive.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        (await TourIdsAsync(api, "")).ShouldBe([archived.Id, kept.Id]);
    }

    [Fact]
    public async Task AnotherOrganisationsTourIsNotFound()
    {
        var (_, api) = await app.NewOrgAsync();
        var (_, stranger) = await app.NewOrgAsync();
        var tour = await CreateTourAsync(api, "Тайный тур");

        using var get = await stranger.GetAsync($"/api/v1/tours/{tour.Id}", Ct);
        using var departures = await stranger.GetAsync($"/api/v1/tours/{tour.Id}/departures", Ct);

        await get.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await departures.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await TourIdsAsync(stranger, "?includeArchived=true")).ShouldBeEmpty();
    }

    [Fact]
    public async Task SalesCanReadAndBookButNotEditTours()
    {
        var (owner, api) = await app.NewOrgAsync();
        var sales = await app.MemberClientAsync(owner, OrgRole.Sales);
        var tour = await CreateTourAsync(api, "Таш-Рабат");
        var departure = await AddDepartureAsync(api, tour.Id, seats: 5);
        var dealId = await NewDealAsync(api);

        using var create = await sales.PostJsonAsync("/api/v1/tours", TourBody("Новый тур"));
        using var update = await sales.PutJsonAsync($"/api/v1/tours/{tour.Id}", TourBody("Переименован"));
        using var archive = await sales.PostJsonAsync($"/api/v1/tours/{tour.Id}/archive", null);
        using var addDeparture = await sales.PostJsonAsync($"/api/v1/tours/{tour.Id}/departures", new { tourId = tour.Id, startDate = Today.AddDays(5), seats = 5 });
        using var partner = await sales.PostJsonAsync("/api/v1/partners", new { type = "Guide", name = "Гид" });

        await create.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await update.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await archive.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await addDeparture.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await partner.ShouldBeProblemAsync(HttpStatusCode.Forbidden);

        (await TourIdsAsync(sales, "")).ShouldBe([tour.Id]);
        using var book = await sales.PostJsonAsync($"/api/v1/departures/{departure.Id}/book", new { dealId, seats = 1 });
        (await book.ReadAsync<DepartureItem>()).SeatsLeft.ShouldBe(4);
    }

    [Theory]
    [InlineData("0555 12 34 56")]
    [InlineData("996555123456")]
    [InlineData("+996 (555) 123-456")]
    public async Task PartnerPhoneIsStoredAsE164(string phone)
    {
        var (_, api) = await app.NewOrgAsync();

        using var response = await api.PostJsonAsync("/api/v1/partners", new { type = "Guide", name = "Эрлан-гид", whatsAppPhone = phone, languages = new[] { "ru", "en" } });

        var partner = await response.ReadAsync<PartnerItem>(HttpStatusCode.Created);
        partner.WhatsAppPhone.ShouldBe("+996555123456");
        using var get = await api.GetAsync($"/api/v1/partners/{partner.Id}", Ct);
        (await get.ReadAsync<PartnerItem>()).WhatsAppPhone.ShouldBe("+996555123456");
    }

    [Fact]
    public async Task PartnerWithAnInvalidPhoneAnswers400()
    {
        var (_, api) = await app.NewOrgAsync();

        using var response = await api.PostJsonAsync("/api/v1/partners", new { type = "Transport", name = "Водитель", whatsAppPhone = "12-34" });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("whatsAppPhone");
    }

    private static object TourBody(string name) => new { nameRu = name, region = "Иссык-Куль", durationDays = 3, priceKgs = 12500m, groupMin = 1, groupMax = 12 };

    private static async Task<TourItem> CreateTourAsync(HttpClient api, string name)
    {
        using var response = await api.PostJsonAsync("/api/v1/tours", TourBody(name));
        return await response.ReadAsync<TourItem>(HttpStatusCode.Created);
    }

    private static async Task<DepartureItem> AddDepartureAsync(HttpClient api, Guid tourId, int seats)
    {
        using var response = await api.PostJsonAsync($"/api/v1/tours/{tourId}/departures", new { tourId, startDate = Today.AddDays(30), seats });
        return await response.ReadAsync<DepartureItem>(HttpStatusCode.Created);
    }

    private static async Task<Guid> NewDealAsync(HttpClient api)
    {
        var client = await api.CreateClientAsync("Турист " + Guid.NewGuid().ToString("N")[..4], CrmApi.NewPhone());
        return (await api.CreateDealAsync(client.Id)).Deal.Id;
    }

    private static async Task<List<Guid>> TourIdsAsync(HttpClient api, string query)
    {
        using var response = await api.GetAsync("/api/v1/tours" + query, Ct);
        return [.. (await response.ReadAsync<CursorPage<TourItem>>()).Items.Select(t => t.Id)];
    }

    private Task<int> SeatsBookedAsync(Guid departureId) =>
        Sql.ScalarAsync<int>(app.Database.AdminConnectionString, "SELECT seats_booked FROM departures WHERE id = @d", ("d", departureId));
}
