using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SoulKg.Domain.Imports;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Import;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Benchmarks.Benchmarks;

/// <summary>
/// The import path in-process against a real database: a new organisation, then N generated WhatsApp exports (Android
/// layout, mixed authors, multi-line messages) parsed and stored through the same runner as the page, the API and the CLI.
/// </summary>
public sealed class ImportBenchmark : IBenchmark
{
    public string Name => "import";

    public string Summary => "parse and store WhatsApp exports in-process (default 100 chats, 50,000 messages)";

    public string Usage => """
                   --connection CS    PostgreSQL connection string as the app role (default: ConnectionStrings__Default)
                   --chats N          chats (default 100)
                   --messages N       messages in total (default 50000)
                   --target-seconds S total time target (default 5)
        """;

    public async Task<int> RunAsync(BenchmarkArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        var connection = args.GetString("connection", Environment.GetEnvironmentVariable("ConnectionStrings__Default") ?? "");
        var chats = args.GetInt("chats", 100, 1, 10_000);
        var messages = args.GetInt("messages", 50_000, chats, 5_000_000);
        var target = args.GetInt("target-seconds", 5, 1, 3600);
        args.EnsureAllUsed();
        if (connection.Length == 0)
        {
            throw new ArgumentException("--connection or ConnectionStrings__Default is required.");
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Default"] = connection, ["Logging:LogLevel:Default"] = "Warning" });
        builder.AddSoulKgInfrastructure();
        builder.Services.AddDataProtection(); // Identity's token providers need it to sign up the benchmark's organisation
        var storage = Path.Combine(Path.GetTempPath(), "soulkg-import-bench-" + Guid.NewGuid().ToString("N"));
        builder.Services.AddSoulKgImport(builder.Configuration, storage);
        using var host = builder.Build();

        await using var scope = host.Services.CreateAsyncScope();
        var signUp = await scope.ServiceProvider.GetRequiredService<SignUpService>().SignUpAsync(
            new SignUpRequest("Import bench " + Guid.NewGuid().ToString("N")[..6], "Bench", $"bench-{Guid.NewGuid():N}@bench.soulkg.kg", "Passw0rd!"), cancellationToken);
        if (!signUp.Succeeded)
        {
            throw new BenchmarkFailedException("sign-up failed: " + string.Join("; ", signUp.Errors.SelectMany(e => e.Value)));
        }

        scope.ServiceProvider.GetRequiredService<OrgContext>().SetUser(signUp.OrgId!.Value, signUp.UserId!.Value, OrgRole.Owner, "Bench");
        var files = Enumerable.Range(0, chats).Select(i => Generate(i, messages / chats + (i < messages % chats ? 1 : 0))).ToList();
        var imports = scope.ServiceProvider.GetRequiredService<ImportService>();

        var clock = Stopwatch.StartNew();
        var runId = await imports.CreateRunAsync(ImportOrigin.Cli, cancellationToken);
        var result = await imports.RunNowAsync(runId, ["Soul KG"], null, null, files, cancellationToken);
        clock.Stop();

        var seconds = clock.Elapsed.TotalSeconds;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"import: {chats} chats, {result.MessagesAdded} messages stored in {seconds:0.00} s = {result.MessagesAdded / seconds:0} messages/s; failed files: {result.FilesFailed}"));
        await output.WriteLineAsync(seconds <= target ? $"target <= {target} s: met" : $"target <= {target} s: NOT met");
        if (Directory.Exists(storage))
        {
            Directory.Delete(storage, recursive: true);
        }

        return result.FilesFailed == 0 && result.MessagesAdded == messages ? 0 : 1;
    }

    private static SourceFile Generate(int chat, int count)
    {
        var text = new StringBuilder();
        var at = new DateTime(2024, 1, 1, 9, 0, 0).AddDays(chat);
        var client = $"Клиент {chat:000}";
        for (var i = 0; i < count; i++)
        {
            at = at.AddMinutes(1 + (i % 7));
            var author = i % 3 == 0 ? "Soul KG" : client;
            text.Append(CultureInfo.InvariantCulture, $"{at:dd.MM.yyyy, HH:mm} - {author}: Сообщение {i} о туре на Сон-Куль, 9 500 сом");
            text.Append(i % 10 == 0 ? "\nвторая строка сообщения\n" : "\n");
        }

        return SourceFile.FromBytes($"WhatsApp Chat with {client}.txt", Encoding.UTF8.GetBytes(text.ToString()));
    }
}
