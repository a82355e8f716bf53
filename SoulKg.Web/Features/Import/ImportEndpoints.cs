using Microsoft.AspNetCore.Http.HttpResults;
using SoulKg.Domain;
using SoulKg.Domain.Imports;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Import;
using SoulKg.Web.Infrastructure;

namespace SoulKg.Web.Features.Import;

public static class ImportEndpoints
{
    public static void MapImportEndpoints(this RouteGroupBuilder api)
    {
        var imports = api.MapGroup("/imports").WithTags("Imports").RequireAuthorization(Permissions.ImportData)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        imports.MapPost("/", ImportAsync)
            .WithSummary("Import chat exports (WhatsApp .txt/.zip, Telegram result.json) and client CSVs; waits and returns the per-file report")
            .WithDescription("""
                multipart/form-data: `files` (one or many; a zip may hold many exports), `ourNames` (optional, repeatable or comma-separated:
                the company's own author names or numbers in the chats; default: the suggestion — earlier imports, the organisation's
                name, the author present in most chats), `ourUserId` (optional: the user our messages are stored under; default: the caller).
                Each file is imported in its own transaction: a rejected file is listed with `status: failed` and its `errors`
                (with `line`) while the others go in. Importing the same files again adds 0 messages. See docs/import.md.
                """)
            .Accepts<IFormFileCollection>("multipart/form-data")
            .DisableAntiforgery()
            .ProducesValidationProblem();
        imports.MapGet("/", ListAsync).WithSummary("Import history, newest first");
        imports.MapGet("/{id:guid}", GetAsync).WithSummary("One import with its per-file report").ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<ImportResult>> ImportAsync(HttpRequest request, ImportService imports, CancellationToken ct)
    {
        if (!request.HasFormContentType)
        {
            throw DomainException.Invalid("files", "Ожидается multipart/form-data с полем files.");
        }

        var form = await request.ReadFormAsync(ct);
        var files = form.Files;
        string[] ourNames = form["ourNames"]!;
        Guid? ourUserId = null;
        if (form["ourUserId"].ToString() is { Length: > 0 } user)
        {
            ourUserId = Guid.TryParse(user, out var id) ? id : throw DomainException.Invalid("ourUserId", "Ожидается идентификатор сотрудника (uuid).");
        }

        if (files.Count == 0)
        {
            throw DomainException.Invalid("files", "Приложите хотя бы один файл (поле files).");
        }

        var streams = files.Select(f => (f.FileName, f.OpenReadStream())).ToList();
        try
        {
            var runId = await imports.CreateDraftAsync(streams, ImportOrigin.Api, ct);
            var names = ourNames.SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            if (names.Count == 0)
            {
                names = (await imports.AnalyzeAsync(runId, ct)).SuggestedOurNames.ToList();
            }

            return TypedResults.Ok(await imports.RunNowAsync(runId, names, ourUserId, null, null, ct));
        }
        finally
        {
            foreach (var (_, stream) in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    private static async Task<Ok<IReadOnlyList<ImportRunItem>>> ListAsync(ImportService imports, CancellationToken ct) =>
        TypedResults.Ok(await imports.ListAsync(50, ct));

    private static async Task<Results<Ok<ImportResult>, ProblemHttpResult>> GetAsync(Guid id, ImportService imports, CancellationToken ct) =>
        await imports.GetAsync(id, ct) is { Status: not ImportStatus.Draft } result ? TypedResults.Ok(result) : ApiProblems.NotFound("Импорт не найден.");
}
