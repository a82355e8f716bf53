using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SoulKg.Domain;
using SoulKg.Domain.Imports;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Import;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Benchmarks.Benchmarks;

/// <summary>
/// The import path against a real database: a new organisation, then N generated WhatsApp exports (Android layout, mixed
/// authors, multi-line messages) parsed and stored through the same runner as the page, the API and the CLI. In-process
/// with <c>--connection</c>; with <c>--url</c> through a running app (sign-up, <c>POST /api/v1/imports</c>, then its status
/// URL until the run has finished), so the figure includes the upload, the queue and the background worker.
/// </summary>
public sealed class ImportBenchmark : IBenchmark
{
    public string Name => "import";

    public string Summary => "parse and store WhatsApp exports in-process (default 100 chats, 50,000 messages)";

    public string Usage => """
                   --url URL          a running app (loopback only unless --allow-remote); without it the import runs in-process
                   --connection CS    in-process: PostgreSQL connection string as the app role (default: ConnectionStrings__Default)
                   --chats N          chats (default 100)
                   --messages N       messages in total (default 50000)
                   --target-seconds S total time target (default 5)
        """;

    public async Task<int> RunAsync(BenchmarkArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        var url = args.GetString("url", "");
        var allowRemote = args.GetFlag("allow-remote");
        var connection = args.GetString("connection", Environment.GetEnvironmentVariable("ConnectionStrings__Default") ?? "");
        var chats = args.GetInt("chats", 100, 1, 10_000);
        var messages = args.GetInt("messages", 50_000, chats, 5_000_000);
        var target = args.GetInt("target-seconds", 5, 1, 3600);
        args.EnsureAllUsed();
        if (url.Length > 0)
        {
            var baseUrl = new Uri(url.EndsWith('/') ? url : url + "/");
            if (!allowRemote && !baseUrl.IsLoopback)
            {
                throw new ArgumentException($"{url} is not a loopback address; pass --allow-remote for a server you run yourself.");
            }

            return await RunOverHttpAsync(baseUrl, chats, messages, target, output, cancellationToken);
        }

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

        // Parsing alone, so the figure says how much of the total is the database.
        var parsing = Stopwatch.StartNew();
        var parsed = ImportSources.Expand(files, new ImportOptions()).Sum(u => ImportRunner.Parse(u, BishkekTime.Zone).Sum(c => c.Messages.Count));
        parsing.Stop();

        var load = LoadAverage();
        var clock = Stopwatch.StartNew();
        var runId = await imports.CreateRunAsync(ImportOrigin.Cli, cancellationToken);
        var result = await imports.RunNowAsync(runId, new WhoIsWho(["Soul KG"], null), null, files, cancellationToken);
        clock.Stop();

        var seconds = clock.Elapsed.TotalSeconds;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"import: {chats} chats, {result.MessagesAdded} messages stored in {seconds:0.00} s = {result.MessagesAdded / seconds:0} messages/s; failed files: {result.FilesFailed}"));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"parse only: {parsed} messages in {parsing.Elapsed.TotalSeconds:0.00} s; load average (1 min) before -> after: {load} -> {LoadAverage()}"));
        await output.WriteLineAsync(seconds <= target ? $"target <= {target} s: met" : $"target <= {target} s: NOT met");
        if (Directory.Exists(storage))
        {
            Directory.Delete(storage, recursive: true);
        }

        return result.FilesFailed == 0 && result.MessagesAdded == messages ? 0 : 1;
    }

    private static async Task<int> RunOverHttpAsync(Uri url, int chats, int messages, int target, TextWriter output, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(10) };
        var email = $"bench-{Guid.NewGuid():N}@bench.soulkg.kg";
        using (var signUp = await client.PostAsJsonAsync("api/v1/auth/signup",
                   new { organizationName = "Import bench " + Guid.NewGuid().ToString("N")[..6], displayName = "Bench", email, password = "Passw0rd!", culture = "ru" }, ct))
        {
            if (!signUp.IsSuccessStatusCode)
            {
                throw new BenchmarkFailedException($"sign-up failed: {(int)signUp.StatusCode} {await signUp.Content.ReadAsStringAsync(ct)}");
            }
        }

        SoulKgApi.UseBearer(client, await SoulKgApi.GetTokenAsync(client, email, "Passw0rd!", ct));
        var files = Enumerable.Range(0, chats).Select(i => Generate(i, messages / chats + (i < messages % chats ? 1 : 0))).ToList();
        using var form = new MultipartFormDataContent();
        foreach (var file in files)
        {
            form.Add(new StreamContent(file.Open()), "files", file.Name);
        }

        form.Add(new StringContent("Soul KG"), "ourNames");
        var load = LoadAverage();
        var clock = Stopwatch.StartNew();
        string statusUrl;
        using (var posted = await client.PostAsync("api/v1/imports", form, ct))
        {
            if (posted.StatusCode != System.Net.HttpStatusCode.Accepted)
            {
                throw new BenchmarkFailedException($"POST /api/v1/imports: {(int)posted.StatusCode} {await posted.Content.ReadAsStringAsync(ct)}");
            }

            statusUrl = (await posted.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("statusUrl").GetString()!.TrimStart('/');
        }

        var accepted = clock.Elapsed;
        JsonElement run;
        while (true)
        {
            run = await client.GetFromJsonAsync<JsonElement>(statusUrl, ct);
            if (run.GetProperty("status").GetString() is not ("queued" or "running" or "Queued" or "Running"))
            {
                break;
            }

            await Task.Delay(100, ct);
        }

        clock.Stop();
        var added = run.GetProperty("messagesAdded").GetInt32();
        var failed = run.GetProperty("filesFailed").GetInt32();
        var seconds = clock.Elapsed.TotalSeconds;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"import over HTTP ({url}): {chats} chats, {added} messages stored in {seconds:0.00} s = {added / seconds:0} messages/s (upload answered 202 after {accepted.TotalSeconds:0.00} s); failed files: {failed}"));
        await output.WriteLineAsync($"load average (1 min) before -> after: {load} -> {LoadAverage()}");
        await output.WriteLineAsync(seconds <= target ? $"target <= {target} s: met" : $"target <= {target} s: NOT met");
        return failed == 0 && added == messages ? 0 : 1;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

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
