using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SoulKg.Domain.Imports;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Import;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Web.Features.Import;

/// <summary>
/// <c>SoulKg.Web import &lt;folder&gt; --org &lt;id&gt; [--our "Soul KG,+996 555 000 000"] [--user e-mail]</c>: imports every
/// export in a server folder (subfolders too) the same way the page does, and prints the JSON report. Exit code 1 when a
/// file failed, 2 for wrong arguments.
/// </summary>
public static class ImportCommand
{
    public const string Usage = "import <folder> --org <organisation id> [--our \"name,+996…\"] [--user <e-mail>]";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, CancellationToken ct = default)
    {
        var folder = args.SkipWhile(a => a != "import").Skip(1).FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal));
        if (folder is null || !Directory.Exists(folder) || !Guid.TryParse(Option(args, "--org"), out var orgId))
        {
            await Console.Error.WriteLineAsync("usage: " + Usage + (folder is not null && !Directory.Exists(folder) ? $"\nNo folder '{folder}'." : ""));
            return 2;
        }

        await using var scope = services.CreateAsyncScope();
        var org = scope.ServiceProvider.GetRequiredService<OrgContext>();
        org.SetSystem(orgId, ActorType.Import, "import (командная строка)");
        Guid? userId = null;
        if (Option(args, "--user") is { } email)
        {
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync(ct);
            userId = await (from u in db.Users join m in db.Memberships on u.Id equals m.UserId where u.Email == email && m.IsActive select (Guid?)u.Id).FirstOrDefaultAsync(ct);
            if (userId is null)
            {
                await Console.Error.WriteLineAsync($"No active member '{email}' in organisation {orgId}.");
                return 2;
            }
        }

        var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => SourceFile.FromDisk(f, Path.GetRelativePath(folder, f).Replace('\\', '/'))).ToList();
        var imports = scope.ServiceProvider.GetRequiredService<ImportService>();
        var runId = await imports.CreateRunAsync(ImportOrigin.Cli, ct);
        var names = Option(args, "--our")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList()
            ?? (await imports.AnalyzeAsync(runId, files, ct)).SuggestedOurNames.ToList();
        var result = await imports.RunNowAsync(runId, new WhoIsWho(names, userId), null, files, ct);
        await output.WriteLineAsync(JsonSerializer.Serialize(result, ImportReport.Json));
        return result.FilesFailed > 0 ? 1 : 0;
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
