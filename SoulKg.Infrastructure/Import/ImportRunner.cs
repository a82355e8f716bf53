using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SoulKg.Domain;
using SoulKg.Domain.Imports;
using SoulKg.Domain.Notifications;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Import;

/// <summary>
/// Runs an import: every file in its own transaction, so a bad file is reported and the others go in, and a failure
/// inside a file leaves nothing of it behind (its media files are deleted too). After each file the run's row is
/// updated; the change feed pushes that to the admin's screen.
/// </summary>
public sealed class ImportRunner(IServiceScopeFactory scopes, IOptions<ImportOptions> options, TimeProvider clock, INotifier notifier, ILogger<ImportRunner> logger)
{
    private ImportOptions Options => options.Value;

    public TimeZoneInfo Zone => Options.TimeZone == BishkekTime.ZoneId ? BishkekTime.Zone : TimeZoneInfo.FindSystemTimeZoneById(Options.TimeZone);

    /// <summary>The folder a run's uploads wait in until the worker takes them.</summary>
    public string UploadFolder(Guid runId) => Path.Combine(Options.StoragePath, "imports", runId.ToString("N"));

    public async Task<ImportReport> RunAsync(Guid orgId, Guid runId, IReadOnlyList<SourceFile>? files = null, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var org = scope.ServiceProvider.GetRequiredService<OrgContext>();
        var factory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>();
        org.SetSystem(orgId, ActorType.Import, "Импорт");
        ImportRun run;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            run = await db.Set<ImportRun>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct) ?? throw DomainException.NotFound("id", "Импорт не найден.");
        }

        var report = ImportReport.Parse(run.Report);
        var who = new WhoIsWho(run.OurNames, run.OurUserId, report.OurPeople);
        List<ImportUnit> units;
        try
        {
            units = ImportSources.Expand(files ?? StagedFiles(runId), Options);
        }
        catch (ImportFileException e)
        {
            report.Files = [new FileReport { File = e.FileName, Status = FileStatus.Failed, Errors = [e.Issue] }];
            await SaveAsync(factory, runId, report, ImportStatus.Failed, ct);
            return report;
        }

        report.Files = units.Select(u => new FileReport { File = u.Name, Format = FormatOf(u) }).ToList();
        if (report.Files.Count > 0)
        {
            report.Files[0].Status = FileStatus.Running;
        }

        await SaveAsync(factory, runId, report, ImportStatus.Running, ct);
        // The report is rewritten (and pushed to the screen) at most about once a second, not per file: with a hundred
        // small chats, rewriting the growing JSON twice per file cost more than the chats themselves.
        var lastSaved = clock.GetTimestamp();
        var lookups = new ImportLookups();
        // The next file is parsed on another core while this one is stored: parsing is CPU, storing mostly waits for PostgreSQL.
        var next = units.Count > 0 ? ParseAhead(units[0]) : null;
        for (var i = 0; i < units.Count; i++)
        {
            var parsed = next;
            next = i + 1 < units.Count ? ParseAhead(units[i + 1]) : null;
            var file = report.Files[i];
            var fresh = new FileReport { File = file.File, Format = file.Format };
            try
            {
                await ImportUnitAsync(factory, org, units[i], parsed, who, lookups, report.CsvMappings.GetValueOrDefault(units[i].Name), fresh, ct);
                fresh.Status = FileStatus.Imported;
            }
            catch (ImportFileException e)
            {
                fresh = Failed(file, e.Issue);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Import {RunId}: file {File} failed", runId, file.File);
                fresh = Failed(file, new ImportIssue(null, "Не удалось сохранить: " + e.GetBaseException().Message));
            }

            report.Files[i] = fresh;
            if (i < units.Count - 1 && clock.GetElapsedTime(lastSaved) >= ProgressInterval)
            {
                report.Files[i + 1].Status = FileStatus.Running;
                await SaveAsync(factory, runId, report, ImportStatus.Running, ct);
                lastSaved = clock.GetTimestamp();
            }
        }

        var failed = report.Files.Count(f => f.Status == FileStatus.Failed);
        var status = failed == 0 ? ImportStatus.Completed : failed == report.Files.Count ? ImportStatus.Failed : ImportStatus.CompletedWithErrors;
        await SaveAsync(factory, runId, report, status, ct);
        if (files is null && Directory.Exists(UploadFolder(runId)))
        {
            Directory.Delete(UploadFolder(runId), recursive: true);
        }

        await notifier.NotifyAsync(new Notice(orgId, NoticeKind.ImportFinished, NoticeAudience.Admins,
            $"Импорт завершён: {report.Files.Sum(f => f.MessagesAdded)} сообщений, {report.Files.Sum(f => f.ClientsCreated)} новых клиентов",
            failed > 0 ? $"С ошибками: {failed} из {report.Files.Count} файлов" : null, "/settings/import/" + runId, run.StartedByUserId), ct);
        return report;
    }

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    private static FileReport Failed(FileReport file, ImportIssue issue) =>
        new() { File = file.File, Format = file.Format, Status = FileStatus.Failed, Errors = [issue] };

    /// <summary>Parses and stores one file in one transaction; any exception rolls all of it back.</summary>
    private Task<IReadOnlyList<ParsedChat>>? ParseAhead(ImportUnit unit) =>
        unit.Kind is UnitKind.WhatsApp or UnitKind.Telegram && unit.Error is null ? Task.Run(() => Parse(unit, Zone)) : null;

    private async Task ImportUnitAsync(IDbContextFactory<SoulKgDbContext> factory, OrgContext org, ImportUnit unit, Task<IReadOnlyList<ParsedChat>>? parsed,
        WhoIsWho who, ImportLookups lookups,
        Dictionary<CsvField, string>? mapping, FileReport report, CancellationToken ct)
    {
        if (unit.Error is { } error)
        {
            throw error;
        }

        var written = new List<string>();
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var now = clock.GetUtcNow();
            if (unit.Kind == UnitKind.Csv)
            {
                var table = CsvClientParser.Read(unit.Name, unit.Content);
                var (clients, warnings) = CsvClientParser.Map(table, mapping is null ? CsvClientParser.SuggestMapping(table.Headers) : new CsvMapping(mapping));
                report.Messages = clients.Count;
                report.Warnings.AddRange(warnings);
                await new ClientListWriter(db, org, now).WriteAsync(clients, report, ct);
            }
            else
            {
                var writer = new ChatWriter(db, org, Options, now, who, lookups, written);
                foreach (var chat in parsed is null ? Parse(unit, Zone) : await parsed)
                {
                    report.Format = chat.Format;
                    report.Chat = report.Chat is null ? chat.Title : report.Chat + ", " + chat.Title;
                    report.Messages += chat.Messages.Count;
                    report.SystemLines += chat.SystemLines;
                    report.DeletedMessages += chat.DeletedMessages;
                    report.Warnings.AddRange(chat.Warnings);
                    await writer.WriteAsync(chat, report, ct);
                }

                report.Chat ??= report.Participants.FirstOrDefault();
            }

            await transaction.CommitAsync(ct);
        }
        catch
        {
            foreach (var path in written)
            {
                File.Delete(path);
            }

            throw;
        }
    }

    public static IReadOnlyList<ParsedChat> Parse(ImportUnit unit, TimeZoneInfo zone)
    {
        if (unit.Error is { } error)
        {
            throw error;
        }

        return unit.Kind switch
        {
            UnitKind.Telegram => TelegramParser.Parse(unit.Name, TextDecoding.Decode(unit.Name, unit.Content), zone, unit.Media),
            UnitKind.WhatsApp => [WhatsAppParser.Parse(unit.Name, TextDecoding.Decode(unit.Name, unit.Content), unit.TitleHint, zone, unit.Media)],
            _ => throw new ImportFileException(unit.Name, null, "Это не чат."),
        };
    }

    public static string FormatOf(ImportUnit unit) => unit.Kind switch
    {
        UnitKind.Csv => ImportFormats.Csv,
        UnitKind.Telegram => ImportFormats.Telegram,
        UnitKind.WhatsApp => unit.Content.AsSpan().TrimStart("\uFEFF"u8).TrimStart("\u200E"u8).StartsWith("["u8) ? ImportFormats.WhatsAppIos : ImportFormats.WhatsAppAndroid,
        _ => ImportFormats.Unknown,
    };

    private IReadOnlyList<SourceFile> StagedFiles(Guid runId)
    {
        var folder = UploadFolder(runId);
        return Directory.Exists(folder)
            ? Directory.GetFiles(folder).Where(f => Path.GetFileName(f) != "plan.json").Order(StringComparer.Ordinal)
                .Select(f => SourceFile.FromDisk(f, Path.GetFileName(f)[5..])).ToList()
            : [];
    }

    private async Task SaveAsync(IDbContextFactory<SoulKgDbContext> factory, Guid runId, ImportReport report, ImportStatus status, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var run = await db.Set<ImportRun>().FirstAsync(r => r.Id == runId, ct);
        var now = clock.GetUtcNow();
        run.Status = status;
        run.StartedAt ??= now;
        run.FilesTotal = report.Files.Count;
        run.FilesDone = report.Files.Count(f => f.Status is FileStatus.Imported or FileStatus.Failed);
        run.FilesFailed = report.Files.Count(f => f.Status == FileStatus.Failed);
        run.MessagesAdded = report.Files.Sum(f => f.MessagesAdded);
        run.Report = report.Serialize();
        if (status is ImportStatus.Completed or ImportStatus.CompletedWithErrors or ImportStatus.Failed)
        {
            run.FinishedAt = now;
        }

        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>Name prefix that keeps the upload order on disk ("0001-…").</summary>
    public static string StagedName(int index, string name)
    {
        var safe = new StringBuilder();
        foreach (var ch in Path.GetFileName(name.Replace('\\', '/')))
        {
            safe.Append(Path.GetInvalidFileNameChars().Contains(ch) ? '_' : ch);
        }

        return $"{index:0000}-{safe}";
    }
}
