using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Crm;
using SoulKg.Web.Infrastructure;

namespace SoulKg.Web.Features.Clients;

public static class ClientsEndpoints
{
    public static void MapClientsEndpoints(this RouteGroupBuilder api)
    {
        var clients = api.MapGroup("/clients").WithTags("Clients").RequireAuthorization(Permissions.WorkDeals)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        clients.MapGet("/", ListAsync)
            .WithSummary("Clients, newest first, filtered and paged by cursor")
            .ProducesValidationProblem();
        clients.MapGet("/export.csv", Export)
            .WithSummary("All clients matching the filter as CSV for Excel (UTF-8 with BOM, ';'-separated)")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesValidationProblem();
        clients.MapGet("/{id:guid}", GetAsync)
            .WithName("GetClient")
            .WithSummary("A client with their contacts; the ETag is the version to send in If-Match")
            .ProducesProblem(StatusCodes.Status404NotFound);
        clients.MapPost("/", CreateAsync)
            .WithSummary("Create a client; a phone or WhatsApp id another client already has answers 409 naming that client")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        clients.MapPut("/{id:guid}", UpdateAsync)
            .WithSummary("Replace a client's fields and contacts (If-Match optional: without it the last writer wins)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        clients.MapPost("/{id:guid}/notes", AddNoteAsync)
            .WithSummary("Add a note to the client's timeline")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        clients.MapGet("/{id:guid}/timeline", TimelineAsync)
            .WithName("GetClientTimeline")
            .WithSummary("The client's history (notes, deals, moves, bookings), newest first, paged by cursor")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        clients.MapPost("/{id:guid}/merge", MergeAsync)
            .WithSummary("Fold another client (mergedId) into this one: contacts, deals and history move here")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<CursorPage<ClientListItem>>> ListAsync(
        [AsParameters] ClientListParameters filter, [AsParameters] PageQuery page, ClientService clients, CancellationToken ct) =>
        TypedResults.Ok(await clients.ListAsync(filter.ToQuery(), page.Cursor, page.Limit, ct));

    private static PushStreamHttpResult Export(
        [AsParameters] ClientListParameters filter, ClientService clients, TimeProvider clock, CancellationToken ct)
    {
        var query = filter.ToQuery();
        return CsvExport.Stream("clients", clock,
            ["Id", "Имя", "Телефон", "E-mail", "Язык", "Источник", "Теги", "Город", "Ответственный", "Открытых сделок", "Создан"],
            CsvExport.AllPagesAsync((cursor, limit, token) => clients.ListAsync(query, cursor, limit, token), ct),
            c => [c.Id.ToString(), c.Name, c.Phone, c.Email, c.Language, c.Source.ToString(), CsvExport.List(c.Tags), c.City,
                c.ResponsibleUserId?.ToString(), CsvExport.Number(c.OpenDeals), CsvExport.Date(c.CreatedAt)],
            ct);
    }

    private static async Task<Results<Ok<ClientDetails>, ProblemHttpResult>> GetAsync(
        Guid id, ClientService clients, HttpResponse response, CancellationToken ct)
    {
        if (await clients.GetAsync(id, ct) is not { } client)
        {
            return ApiProblems.NotFound("Клиент не найден.");
        }

        response.SetETag(client.Version);
        return TypedResults.Ok(client);
    }

    private static async Task<CreatedAtRoute<ClientDetails>> CreateAsync(
        ClientInput input, ClientService clients, HttpResponse response, CancellationToken ct)
    {
        var client = await clients.CreateAsync(input, ct);
        response.SetETag(client.Version);
        return TypedResults.CreatedAtRoute(client, "GetClient", new { id = client.Id });
    }

    private static async Task<Results<Ok<ClientDetails>, ValidationProblem>> UpdateAsync(
        Guid id, ClientInput input, [FromHeader(Name = ETags.IfMatchHeader), Description(ETags.IfMatchDescription)] string? ifMatch,
        ClientService clients, HttpResponse response, CancellationToken ct)
    {
        if (!ETags.TryParseIfMatch(ifMatch, out var expectedVersion))
        {
            return ETags.MalformedIfMatch();
        }

        var client = await clients.UpdateAsync(id, input, expectedVersion, ct);
        response.SetETag(client.Version);
        return TypedResults.Ok(client);
    }

    private static async Task<CreatedAtRoute<TimelineItem>> AddNoteAsync(Guid id, AddNoteRequest request, ClientService clients, CancellationToken ct)
    {
        var note = await clients.AddNoteAsync(id, request.Text, ct);
        return TypedResults.CreatedAtRoute(note, "GetClientTimeline", new { id });
    }

    private static async Task<Ok<CursorPage<TimelineItem>>> TimelineAsync(
        Guid id, [AsParameters] PageQuery page, ClientService clients, CancellationToken ct) =>
        TypedResults.Ok(await clients.TimelineAsync(id, page.Cursor, page.Limit, ct));

    private static async Task<Ok<ClientDetails>> MergeAsync(
        Guid id, MergeClientsRequest request, ClientService clients, HttpResponse response, CancellationToken ct)
    {
        var survivor = await clients.MergeAsync(id, request.MergedId, ct);
        response.SetETag(survivor.Version);
        return TypedResults.Ok(survivor);
    }
}
