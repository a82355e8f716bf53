using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SoulKg.Domain;
using SoulKg.Domain.Imports;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Import;

public sealed record ImportAuthor(string Name, int Files, int Messages, bool Suggested);

public sealed record AnalyzedFile(string File, string Format, string? Chat, int Messages, IReadOnlyList<string> Authors, ImportIssue? Error);

public sealed record CsvPreview(string File, string Delimiter, string Encoding, IReadOnlyList<string> Headers, IReadOnlyDictionary<CsvField, string> Mapping,
    IReadOnlyList<IReadOnlyList<string>> Rows, int TotalRows);

public sealed record ImportUser(Guid Id, string Name);

/// <summary>
/// What the uploaded files hold, before anything is stored: the chats, their authors (with the suggestion of who is us,
/// and which of us is which user), the organisation's users to choose from, and the CSV columns.
/// </summary>
public sealed record ImportAnalysis(Guid RunId, IReadOnlyList<AnalyzedFile> Files, IReadOnlyList<ImportAuthor> Authors, IReadOnlyList<string> SuggestedOurNames,
    IReadOnlyList<CsvPreview> Csv, IReadOnlyDictionary<string, Guid> SuggestedPeople, IReadOnlyList<ImportUser> Users);

public sealed record ImportRunItem(Guid Id, ImportStatus Status, ImportOrigin Origin, string? StartedByName, int FilesTotal, int FilesDone, int FilesFailed,
    int MessagesAdded, IReadOnlyList<string> OurNames, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt);

/// <summary>An import with its per-file report: the API's answer and the history page's detail.</summary>
public sealed record ImportResult(Guid Id, ImportStatus Status, ImportOrigin Origin, string? StartedByName, int FilesTotal, int FilesDone, int FilesFailed,
    int MessagesAdded, IReadOnlyList<string> OurNames, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, IReadOnlyList<FileReport> Files);

/// <summary>
/// The import use cases for the page, the API and the command line: stage uploaded files (a draft), read them to suggest
/// who is who and the CSV mapping, then run the import in the background (or at once), and list the history.
/// </summary>
public sealed class ImportService(IDbContextFactory<SoulKgDbContext> factory, OrgContext org, TimeProvider clock, ImportRunner runner, ImportQueue queue, IOptions<ImportOptions> options)
{
    public async Task<Guid> CreateDraftAsync(IReadOnlyList<(string Name, Stream Content)> files, ImportOrigin origin, CancellationToken ct = default)
    {
        if (files.Count == 0)
        {
            throw DomainException.Invalid("files", "Выберите хотя бы один файл.");
        }

        var run = new ImportRun
        {
            Status = ImportStatus.Draft, Origin = origin, StartedByUserId = org.UserId, StartedByName = org.ActorName, CreatedAt = clock.GetUtcNow(),
            FilesTotal = files.Count,
        };
        var folder = runner.UploadFolder(run.Id);
        Directory.CreateDirectory(folder);
        try
        {
            for (var i = 0; i < files.Count; i++)
            {
                await using var target = File.Create(Path.Combine(folder, ImportRunner.StagedName(i, files[i].Name)));
                await CopyLimitedAsync(files[i].Content, target, Math.Max(options.Value.MaxFileBytes, options.Value.MaxArchiveBytes), files[i].Name, ct);
            }

            await using var db = await factory.CreateDbContextAsync(ct);
            db.Set<ImportRun>().Add(run);
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }

        return run.Id;
    }

    /// <summary>Reads the staged files of a draft (nothing is stored) and suggests who is who.</summary>
    public async Task<ImportAnalysis> AnalyzeAsync(Guid runId, CancellationToken ct = default)
    {
        await EnsureDraftAsync(runId, ct);
        var folder = runner.UploadFolder(runId);
        var files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(f => SourceFile.FromDisk(f, Path.GetFileName(f)[5..])).ToList();
        return await AnalyzeAsync(runId, files, ct);
    }

    public async Task<ImportAnalysis> AnalyzeAsync(Guid runId, IReadOnlyList<SourceFile> files, CancellationToken ct = default)
    {
        var analyzed = new List<AnalyzedFile>();
        var csv = new List<CsvPreview>();
        var authors = new Dictionary<string, (int Files, int Messages)>(StringComparer.OrdinalIgnoreCase);
        List<ImportUnit> units;
        try
        {
            units = ImportSources.Expand(files, options.Value);
        }
        catch (ImportFileException e)
        {
            return new ImportAnalysis(runId, [new AnalyzedFile(e.FileName, ImportFormats.Unknown, null, 0, [], e.Issue)], [], [], [], new Dictionary<string, Guid>(), await UsersAsync(ct));
        }

        foreach (var unit in units)
        {
            try
            {
                if (unit.Kind == UnitKind.Csv)
                {
                    var table = CsvClientParser.Read(unit.Name, unit.Content);
                    csv.Add(new CsvPreview(unit.Name, table.Delimiter, table.Encoding, table.Headers, CsvClientParser.SuggestMapping(table.Headers).Columns,
                        table.Rows.Take(5).Select(r => r.Cells).ToList(), table.Rows.Count));
                    analyzed.Add(new AnalyzedFile(unit.Name, ImportFormats.Csv, null, table.Rows.Count, [], null));
                    continue;
                }

                foreach (var chat in ImportRunner.Parse(unit, runner.Zone))
                {
                    analyzed.Add(new AnalyzedFile(unit.Name, chat.Format, chat.Title, chat.Messages.Count, chat.Authors, null));
                    foreach (var group in chat.Messages.Where(m => m.Author is not null).GroupBy(m => m.Author!))
                    {
                        var (f, m) = authors.GetValueOrDefault(group.Key);
                        authors[group.Key] = (f + 1, m + group.Count());
                    }
                }
            }
            catch (ImportFileException e)
            {
                analyzed.Add(new AnalyzedFile(unit.Name, ImportRunner.FormatOf(unit), null, 0, [], e.Issue));
            }
        }

        var (suggested, people) = await SuggestAsync(authors, analyzed.Count(a => a.Error is null && a.Format != ImportFormats.Csv), ct);
        var list = authors.OrderByDescending(a => a.Value.Files).ThenByDescending(a => a.Value.Messages)
            .Select(a => new ImportAuthor(a.Key, a.Value.Files, a.Value.Messages, suggested.Contains(a.Key, StringComparer.OrdinalIgnoreCase))).ToList();
        return new ImportAnalysis(runId, analyzed, list, suggested, csv, people, await UsersAsync(ct));
    }

    /// <summary>The organisation's active users, whom our authors can be mapped to.</summary>
    public async Task<IReadOnlyList<ImportUser>> UsersAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await (from m in db.Memberships.AsNoTracking()
                      where m.IsActive
                      join u in db.Users on m.UserId equals u.Id
                      orderby u.DisplayName
                      select new ImportUser(u.Id, u.DisplayName == "" ? u.Email ?? "?" : u.DisplayName)).ToListAsync(ct);
    }

    /// <summary>
    /// Our side: the names named in earlier imports, the organisation's own name, and the author who appears in most
    /// chats (a client rarely writes in more than one of them; our account is in all).
    /// </summary>
    private async Task<(List<string> Names, Dictionary<string, Guid> People)> SuggestAsync(Dictionary<string, (int Files, int Messages)> authors, int chats, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var last = await db.Set<ImportRun>().Where(r => r.OurNames.Count > 0 && r.Status != ImportStatus.Draft).OrderByDescending(r => r.CreatedAt)
            .Select(r => new { r.OurNames, r.Report }).FirstOrDefaultAsync(ct);
        var remembered = last?.OurNames ?? [];
        var rememberedPeople = last is null ? [] : ImportReport.Parse(last.Report).OurPeople;
        var active = await db.Memberships.Where(m => m.IsActive).Select(m => m.UserId).ToListAsync(ct);
        var rememberedWho = new WhoIsWho(remembered, null, rememberedPeople.Where(p => active.Contains(p.Value)).ToDictionary(p => p.Key, p => p.Value));
        var people = authors.Keys.Where(a => rememberedWho.IsOurs(a) && rememberedWho.UserOf(a) is not null)
            .ToDictionary(a => a, a => rememberedWho.UserOf(a)!.Value, StringComparer.OrdinalIgnoreCase);
        var orgName = await db.Organizations.Select(o => o.Name).FirstOrDefaultAsync(ct);
        var who = rememberedWho;
        var suggested = authors.Keys.Where(a => who.IsOurs(a) || string.Equals(a, orgName, StringComparison.OrdinalIgnoreCase)).ToList();
        if (suggested.Count == 0 && authors.Count > 0)
        {
            var top = authors.OrderByDescending(a => a.Value.Files).ThenByDescending(a => a.Value.Messages).First();
            if (top.Value.Files > 1 && (chats <= 2 || top.Value.Files * 2 > chats))
            {
                suggested.Add(top.Key);
            }
        }

        return (suggested, people);
    }

    /// <summary>Confirms a draft with who is who and the CSV mappings, and queues it for the background worker.</summary>
    public async Task StartAsync(Guid runId, WhoIsWho who, IReadOnlyDictionary<string, Dictionary<CsvField, string>>? mappings, CancellationToken ct = default)
    {
        await PrepareAsync(runId, who, mappings, ImportStatus.Queued, ct);
        queue.Enqueue(org.RequiredOrgId, runId);
    }

    /// <summary>Confirms a draft and runs it now (the API and the command line wait for the report).</summary>
    public async Task<ImportResult> RunNowAsync(Guid runId, WhoIsWho who, IReadOnlyDictionary<string, Dictionary<CsvField, string>>? mappings,
        IReadOnlyList<SourceFile>? files = null, CancellationToken ct = default)
    {
        await PrepareAsync(runId, who, mappings, ImportStatus.Running, ct);
        await runner.RunAsync(org.RequiredOrgId, runId, files, ct);
        return (await GetAsync(runId, ct))!;
    }

    /// <summary>A run record for files that are not staged (the command line reads a server folder in place).</summary>
    public async Task<Guid> CreateRunAsync(ImportOrigin origin, CancellationToken ct = default)
    {
        var run = new ImportRun { Status = ImportStatus.Draft, Origin = origin, StartedByUserId = org.UserId, StartedByName = org.ActorName, CreatedAt = clock.GetUtcNow() };
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Set<ImportRun>().Add(run);
        await db.SaveChangesAsync(ct);
        return run.Id;
    }

    private async Task PrepareAsync(Guid runId, WhoIsWho who, IReadOnlyDictionary<string, Dictionary<CsvField, string>>? mappings, ImportStatus status, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var run = await db.Set<ImportRun>().FirstOrDefaultAsync(r => r.Id == runId, ct) ?? throw DomainException.NotFound("id", "Импорт не найден.");
        if (run.Status != ImportStatus.Draft)
        {
            throw DomainException.Conflict("id", "Этот импорт уже запущен.");
        }

        if (who.OurUserId is { } user && !await db.Memberships.AnyAsync(m => m.UserId == user && m.IsActive, ct))
        {
            throw DomainException.Invalid("ourUserId", "Такого сотрудника нет.");
        }

        var people = (who.People ?? new Dictionary<string, Guid>()).Select(p => (Name: p.Key.Trim(), User: p.Value)).Where(p => p.Name.Length > 0)
            .DistinctBy(p => p.Name, StringComparer.OrdinalIgnoreCase).Take(50).ToList();
        var users = people.Select(p => p.User).Distinct().ToList();
        if (users.Count > 0 && await db.Memberships.CountAsync(m => users.Contains(m.UserId) && m.IsActive, ct) != users.Count)
        {
            throw DomainException.Invalid("ourPeople", "Автор сопоставлен с пользователем, которого нет в организации.");
        }

        run.OurNames = who.OurNames.Concat(people.Select(p => p.Name)).Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).Take(50).ToList();
        run.OurUserId = who.OurUserId ?? org.UserId;
        run.Status = status;
        run.Report = new ImportReport
        {
            CsvMappings = mappings?.ToDictionary(m => m.Key, m => m.Value) ?? [],
            OurPeople = people.ToDictionary(p => p.Name, p => p.User),
        }.Serialize();
        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<ImportRunItem>> ListAsync(int limit = 50, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<ImportRun>().AsNoTracking().Where(r => r.Status != ImportStatus.Draft).OrderByDescending(r => r.CreatedAt).Take(Math.Clamp(limit, 1, 200))
            .Select(r => new ImportRunItem(r.Id, r.Status, r.Origin, r.StartedByName, r.FilesTotal, r.FilesDone, r.FilesFailed, r.MessagesAdded, r.OurNames, r.CreatedAt, r.FinishedAt))
            .ToListAsync(ct);
    }

    public async Task<ImportResult?> GetAsync(Guid runId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var r = await db.Set<ImportRun>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == runId, ct);
        return r is null
            ? null
            : new ImportResult(r.Id, r.Status, r.Origin, r.StartedByName, r.FilesTotal, r.FilesDone, r.FilesFailed, r.MessagesAdded, r.OurNames, r.CreatedAt, r.FinishedAt,
                ImportReport.Parse(r.Report).Files);
    }

    /// <summary>Throws away a draft the admin did not start.</summary>
    public async Task DiscardAsync(Guid runId, CancellationToken ct = default)
    {
        await EnsureDraftAsync(runId, ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Set<ImportRun>().Where(r => r.Id == runId).ExecuteDeleteAsync(ct);
        if (Directory.Exists(runner.UploadFolder(runId)))
        {
            Directory.Delete(runner.UploadFolder(runId), recursive: true);
        }
    }

    private async Task EnsureDraftAsync(Guid runId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var status = await db.Set<ImportRun>().Where(r => r.Id == runId).Select(r => (ImportStatus?)r.Status).FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("id", "Импорт не найден.");
        if (status != ImportStatus.Draft)
        {
            throw DomainException.Conflict("id", "Этот импорт уже запущен.");
        }
    }

    private static async Task CopyLimitedAsync(Stream source, Stream target, long limit, string name, CancellationToken ct)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > limit)
            {
                throw DomainException.Invalid("files", $"«{name}»: файл больше {limit / 1024 / 1024} МБ.");
            }

            await target.WriteAsync(buffer.AsMemory(0, read), ct);
        }
    }
}
