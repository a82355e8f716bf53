using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SoulKg.Domain.Catalog;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Crm;
using SoulKg.Web.Infrastructure;

namespace SoulKg.Web.Features.Tours;

/// <summary>
/// The tour catalogue and its departures. Every member reads it (sales quote from it); editing it takes the catalogue
/// permission. Booking seats is deal work, so it takes the deals permission instead.
/// </summary>
public static class ToursEndpoints
{
    /// <summary>Where the tours page's CSV button points: the same export on the UI cookie (the API takes bearer tokens only).</summary>
    public const string DownloadPath = "/tours/export.csv";

    public static WebApplication MapToursDownloads(this WebApplication app)
    {
        app.MapGet(DownloadPath, Export).RequireAuthorization().AddEndpointFilter<ValidationFilter>().ExcludeFromDescription();
        return app;
    }

    public static void MapToursEndpoints(this RouteGroupBuilder api)
    {
        var tours = api.MapGroup("/tours").WithTags("Tours").RequireAuthorization();

        tours.MapGet("/", ListAsync)
            .WithSummary("Tours, newest first, filtered and paged by cursor; archived ones only on request")
            .ProducesValidationProblem();
        tours.MapGet("/export.csv", Export)
            .WithSummary("All tours matching the filter as CSV for Excel (UTF-8 with BOM, ';'-separated)")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesValidationProblem();
        tours.MapGet("/{id:guid}", GetAsync)
            .WithName("GetTour")
            .WithSummary("A tour; the ETag is the version to send in If-Match")
            .ProducesProblem(StatusCodes.Status404NotFound);
        tours.MapPost("/", CreateAsync)
            .WithSummary("Add a tour to the catalogue")
            .RequireAuthorization(Permissions.ManageCatalog)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        tours.MapPut("/{id:guid}", UpdateAsync)
            .WithSummary("Replace a tour's fields (If-Match optional: without it the last writer wins)")
            .RequireAuthorization(Permissions.ManageCatalog)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        tours.MapPost("/{id:guid}/archive", ArchiveAsync)
            .WithSummary("Hide a tour from the catalogue and stop new departures; deals keep referring to it")
            .RequireAuthorization(Permissions.ManageCatalog)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        tours.MapPost("/{id:guid}/unarchive", UnarchiveAsync)
            .WithSummary("Bring an archived tour back into the catalogue")
            .RequireAuthorization(Permissions.ManageCatalog)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        tours.MapGet("/{id:guid}/departures", DeparturesAsync)
            .WithName("GetTourDepartures")
            .WithSummary("The tour's departures by date, with seats left; past ones only on request")
            .ProducesProblem(StatusCodes.Status404NotFound);
        tours.MapPost("/{id:guid}/departures", AddDepartureAsync)
            .WithSummary("Add a departure; the body's tourId must be the tour in the route")
            .RequireAuthorization(Permissions.ManageCatalog)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapPost("/departures/{id:guid}/book", BookAsync)
            .WithTags("Tours")
            .WithSummary("Book seats on a departure for a deal; never more than are left (409)")
            .RequireAuthorization(Permissions.WorkDeals)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Ok<CursorPage<TourItem>>> ListAsync(
        [AsParameters] TourListParameters filter, [AsParameters] PageQuery page, TourService tours, CancellationToken ct) =>
        TypedResults.Ok(await tours.ListAsync(filter.ToQuery(), page.Cursor, page.Limit, ct));

    private static PushStreamHttpResult Export([AsParameters] TourListParameters filter, TourService tours, TimeProvider clock, CancellationToken ct)
    {
        var query = filter.ToQuery();
        return CsvExport.Stream("tours", clock,
            ["Id", "Название", "Название (англ.)", "Регион", "Тип", "Дней", "Месяцы", "Цена, KGS", "Цена, USD", "Детская, KGS", "Детская, USD",
                "Группа от", "Группа до", "Сложность", "Включено", "В архиве", "Создан"],
            CsvExport.AllPagesAsync((cursor, limit, token) => tours.ListAsync(query, cursor, limit, token), ct),
            t => [t.Id.ToString(), t.NameRu, t.NameEn, t.Region, t.Type.ToString(), CsvExport.Number(t.DurationDays), CsvExport.List(t.Months),
                CsvExport.Number(t.PriceKgs), CsvExport.Number(t.PriceUsd), CsvExport.Number(t.ChildPriceKgs), CsvExport.Number(t.ChildPriceUsd),
                CsvExport.Number(t.GroupMin), CsvExport.Number(t.GroupMax), t.Difficulty.ToString(), t.Included, CsvExport.YesNo(t.IsArchived),
                CsvExport.Date(t.CreatedAt)],
            ct);
    }

    private static async Task<Results<Ok<TourItem>, ProblemHttpResult>> GetAsync(Guid id, TourService tours, HttpResponse response, CancellationToken ct)
    {
        if (await tours.GetAsync(id, ct) is not { } tour)
        {
            return ApiProblems.NotFound("Тур не найден.");
        }

        response.SetETag(tour.Version);
        return TypedResults.Ok(tour);
    }

    private static async Task<CreatedAtRoute<TourItem>> CreateAsync(TourInput input, TourService tours, HttpResponse response, CancellationToken ct)
    {
        var tour = await tours.CreateAsync(input, ct);
        response.SetETag(tour.Version);
        return TypedResults.CreatedAtRoute(tour, "GetTour", new { id = tour.Id });
    }

    private static async Task<Results<Ok<TourItem>, ValidationProblem>> UpdateAsync(
        Guid id, TourInput input, [FromHeader(Name = ETags.IfMatchHeader), Description(ETags.IfMatchDescription)] string? ifMatch,
        TourService tours, HttpResponse response, CancellationToken ct)
    {
        if (!ETags.TryParseIfMatch(ifMatch, out var expectedVersion))
        {
            return ETags.MalformedIfMatch();
        }

        var tour = await tours.UpdateAsync(id, input, expectedVersion, ct);
        response.SetETag(tour.Version);
        return TypedResults.Ok(tour);
    }

    private static async Task<NoContent> ArchiveAsync(Guid id, TourService tours, CancellationToken ct)
    {
        await tours.SetArchivedAsync(id, archived: true, ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> UnarchiveAsync(Guid id, TourService tours, CancellationToken ct)
    {
        await tours.SetArchivedAsync(id, archived: false, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<IReadOnlyList<DepartureItem>>, ProblemHttpResult>> DeparturesAsync(
        Guid id, [Description("Also list departures that have already started")] bool? includePast, TourService tours, CancellationToken ct)
    {
        // An empty list must not hide a tour that is not there (or belongs to another organisation).
        if (await tours.GetAsync(id, ct) is null)
        {
            return ApiProblems.NotFound("Тур не найден.");
        }

        return TypedResults.Ok(await tours.DeparturesAsync(id, includePast ?? false, ct));
    }

    /// <summary>
    /// The body is the shared <see cref="DepartureInput"/> (the UI and its validator use it as is), so it repeats the tour:
    /// a tourId other than the route's is refused rather than silently overridden.
    /// </summary>
    private static async Task<Results<CreatedAtRoute<DepartureItem>, ValidationProblem>> AddDepartureAsync(
        Guid id, DepartureInput input, TourService tours, HttpResponse response, CancellationToken ct)
    {
        if (input.TourId != id)
        {
            return ApiProblems.Invalid("tourId", "tourId в теле не совпадает с туром в адресе.");
        }

        var departure = await tours.AddDepartureAsync(input, ct);
        response.SetETag(departure.Version);
        return TypedResults.CreatedAtRoute(departure, "GetTourDepartures", new { id });
    }

    /// <summary>200 with the departure, not 201: the booking has no address of its own, the seats left are what changed.</summary>
    private static async Task<Ok<DepartureItem>> BookAsync(Guid id, BookSeatsInput input, TourService tours, HttpResponse response, CancellationToken ct)
    {
        var departure = await tours.BookSeatsAsync(id, input, ct);
        response.SetETag(departure.Version);
        return TypedResults.Ok(departure);
    }
}
