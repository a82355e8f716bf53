using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SoulKg.Domain.Partners;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Crm;
using SoulKg.Web.Infrastructure;

namespace SoulKg.Web.Features.Partners;

/// <summary>The partners registry: every member reads it, the catalogue permission edits it. Assignment to deals lives under /deals.</summary>
public static class PartnersEndpoints
{
    /// <summary>Where the partners page's CSV button points: the same export on the UI cookie (the API takes bearer tokens only).</summary>
    public const string DownloadPath = "/partners/export.csv";

    public static WebApplication MapPartnersDownloads(this WebApplication app)
    {
        app.MapGet(DownloadPath, Export).RequireAuthorization().AddEndpointFilter<ValidationFilter>().ExcludeFromDescription();
        return app;
    }

    public static void MapPartnersEndpoints(this RouteGroupBuilder api)
    {
        var partners = api.MapGroup("/partners").WithTags("Partners").RequireAuthorization();

        partners.MapGet("/", ListAsync)
            .WithSummary("Partners, newest first, filtered and paged by cursor")
            .ProducesValidationProblem();
        partners.MapGet("/export.csv", Export)
            .WithSummary("All partners matching the filter as CSV for Excel (UTF-8 with BOM, ';'-separated)")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesValidationProblem();
        partners.MapGet("/{id:guid}", GetAsync)
            .WithName("GetPartner")
            .WithSummary("A partner; the ETag is the version to send in If-Match")
            .ProducesProblem(StatusCodes.Status404NotFound);
        partners.MapPost("/", CreateAsync)
            .WithSummary("Add a partner")
            .RequireAuthorization(Permissions.ManageCatalog)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        partners.MapPut("/{id:guid}", UpdateAsync)
            .WithSummary("Replace a partner's fields (If-Match optional: without it the last writer wins)")
            .RequireAuthorization(Permissions.ManageCatalog)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
    }

    private static async Task<Ok<CursorPage<PartnerItem>>> ListAsync(
        [AsParameters] PartnerListParameters filter, [AsParameters] PageQuery page, PartnerService partners, CancellationToken ct) =>
        TypedResults.Ok(await partners.ListAsync(filter.ToQuery(), page.Cursor, page.Limit, ct));

    private static PushStreamHttpResult Export([AsParameters] PartnerListParameters filter, PartnerService partners, TimeProvider clock, CancellationToken ct)
    {
        var query = filter.ToQuery();
        return CsvExport.Stream("partners", clock,
            ["Id", "Тип", "Название", "Контактное лицо", "WhatsApp", "Регионы", "Языки", "Тарифы", "Рейтинг", "Активен", "Создан"],
            CsvExport.AllPagesAsync((cursor, limit, token) => partners.ListAsync(query, cursor, limit, token), ct),
            p => [p.Id.ToString(), p.Type.ToString(), p.Name, p.ContactPerson, p.WhatsAppPhone, CsvExport.List(p.Regions), CsvExport.List(p.Languages),
                p.Rates, CsvExport.Number(p.Rating), CsvExport.YesNo(p.IsActive), CsvExport.Date(p.CreatedAt)],
            ct);
    }

    private static async Task<Results<Ok<PartnerItem>, ProblemHttpResult>> GetAsync(Guid id, PartnerService partners, HttpResponse response, CancellationToken ct)
    {
        if (await partners.GetAsync(id, ct) is not { } partner)
        {
            return ApiProblems.NotFound("Партнёр не найден.");
        }

        response.SetETag(partner.Version);
        return TypedResults.Ok(partner);
    }

    private static async Task<CreatedAtRoute<PartnerItem>> CreateAsync(PartnerInput input, PartnerService partners, HttpResponse response, CancellationToken ct)
    {
        var partner = await partners.CreateAsync(input, ct);
        response.SetETag(partner.Version);
        return TypedResults.CreatedAtRoute(partner, "GetPartner", new { id = partner.Id });
    }

    private static async Task<Results<Ok<PartnerItem>, ValidationProblem>> UpdateAsync(
        Guid id, PartnerInput input, [FromHeader(Name = ETags.IfMatchHeader), Description(ETags.IfMatchDescription)] string? ifMatch,
        PartnerService partners, HttpResponse response, CancellationToken ct)
    {
        if (!ETags.TryParseIfMatch(ifMatch, out var expectedVersion))
        {
            return ETags.MalformedIfMatch();
        }

        var partner = await partners.UpdateAsync(id, input, expectedVersion, ct);
        response.SetETag(partner.Version);
        return TypedResults.Ok(partner);
    }
}
