using Microsoft.AspNetCore.Http.HttpResults;
using SoulKg.Domain;
using SoulKg.Domain.Imports;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Import;
using SoulKg.Web.Infrastructure;

namespace SoulKg.Web.Features.Import;

/// <summary>The answer to a queued import: where to follow it.</summary>
public sealed record ImportAccepted(Guid Id, ImportStatus Status, string StatusUrl);

public static class ImportEndpoints
{
    public static void MapImportEndpoints(this RouteGroupBuilder api)
    {
        var imports = api.MapGroup("/imports").WithTags("Imports").RequireAuthorization(Permissions.ImportData)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        imports.MapPost("/", ImportAsync)
            .WithSummary("Queue an import of chat exports (WhatsApp .txt/.zip, Telegram result.json) and client CSVs; answers 202 with the run's status URL")
            .WithDescription("""
                multipart/form-data: `files` (one or many; a zip may hold many exports), `ourNames` (optional, repeatable or comma-separated:
                the company's own author names or numbers in the chats; default: the suggestion — earlier imports, the organisation's
                name, the author present in most chats), `ourPeople` (optional, repeatable `author=userId`: which of our authors is which
                user of the organisation; their messages become outbound messages by that user; remembered for the next import),
                `ourUserId` (optional: the user our other messages are stored under; default: the caller).
                The files are staged and the import is queued: the answer is 202 with the run id, a `Location` header and `statusUrl`
                (GET it until `status` is `Completed`, `CompletedWithErrors` or `Failed`; it holds the per-file report).
                Each file is imported in its own transaction: a rejected file is listed with `status: failed` and its `errors`
                (with `line`) while the others go in. Importing the same files again adds 0 messages. See docs/import.md.
                """)
            .Accepts<IFormFileCollection>("multipart/form-data")
            .DisableAntiforgery()
            .Produces<ImportAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem();
        imports.MapGet("/", ListAsync).WithSummary("Import history, newest first");
        imports.MapGet("/{id:guid}", GetAsync).WithSummary("One import with its per-file report").ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Accepted<ImportAccepted>> ImportAsync(HttpRequest request, ImportService imports, CancellationToken ct)
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

        var people = ParsePeople(form["ourPeople"]!);
        if (files.Count == 0)
        {
            throw DomainException.Invalid("files", "Приложите хотя бы один файл (поле files).");
        }

        var streams = files.Select(f => (f.FileName, f.OpenReadStream())).ToList();
        try
        {
            var runId = await imports.CreateDraftAsync(streams, ImportOrigin.Api, ct);
            try
            {
                var names = ourNames.SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
                if (names.Count == 0 && people.Count == 0)
                {
                    var analysis = await imports.AnalyzeAsync(runId, ct);
                    names = analysis.SuggestedOurNames.ToList();
                    people = new Dictionary<string, Guid>(analysis.SuggestedPeople, StringComparer.OrdinalIgnoreCase);
                }

                await imports.StartAsync(runId, new WhoIsWho(names, ourUserId, people), null, ct);
            }
            catch (DomainException)
            {
                // A rejected choice (an unknown user) leaves no draft and no staged files behind.
                await imports.DiscardAsync(runId, CancellationToken.None);
                throw;
            }

            var statusUrl = $"/api/v1/imports/{runId}";
            return TypedResults.Accepted(statusUrl, new ImportAccepted(runId, ImportStatus.Queued, statusUrl));
        }
        finally
        {
            foreach (var (_, stream) in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    /// <summary>Reads <c>ourPeople</c> fields of the form <c>author=userId</c> (the last <c>=</c> splits, as names may hold one).</summary>
    private static Dictionary<string, Guid> ParsePeople(string[] values)
    {
        var people = new Dictionary<string, Guid>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in values)
        {
            var split = value.LastIndexOf('=');
            if (split <= 0 || value[..split].Trim().Length == 0 || !Guid.TryParse(value[(split + 1)..].Trim(), out var userId))
            {
                throw DomainException.Invalid("ourPeople", $"«{value}»: ожидается «автор=идентификатор пользователя».");
            }

            people[value[..split].Trim()] = userId;
        }

        return people;
    }

    private static async Task<Ok<IReadOnlyList<ImportRunItem>>> ListAsync(ImportService imports, CancellationToken ct) =>
        TypedResults.Ok(await imports.ListAsync(50, ct));

    private static async Task<Results<Ok<ImportResult>, ProblemHttpResult>> GetAsync(Guid id, ImportService imports, CancellationToken ct) =>
        await imports.GetAsync(id, ct) is { Status: not ImportStatus.Draft } result ? TypedResults.Ok(result) : ApiProblems.NotFound("Импорт не найден.");
}
