using SoulKg.Benchmarks.Benchmarks;

namespace SoulKg.Benchmarks;

/// <summary>
/// Load benchmarks against a running SoulKG CRM:
/// <c>dotnet run -c Release --project SoulKg.Benchmarks -- &lt;benchmark&gt; [--option value …]</c>.
/// A new benchmark is one class in <c>Benchmarks/</c> plus one line in <see cref="All"/>.
/// </summary>
public static class Program
{
    private static readonly IBenchmark[] All =
    [
        new MeBenchmark(),
        new CrmBenchmark(),
        new AnalyticsBenchmark(),
        new BoardBenchmark(),
        new AgentBenchmark(),
        new ImportBenchmark(),
        new PipelineBenchmark(),
        new WhatsAppBenchmark(),
        new IngestBenchmark(),
    ];

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            PrintUsage();
            return args.Length == 0 ? 2 : 0;
        }

        var benchmark = All.FirstOrDefault(b => b.Name == args[0]);
        if (benchmark is null)
        {
            await Console.Error.WriteLineAsync($"Unknown benchmark '{args[0]}'.");
            PrintUsage();
            return 2;
        }

        BenchmarkArgs options;
        try
        {
            options = BenchmarkArgs.Parse(args.AsSpan(1));
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        try
        {
            return await benchmark.RunAsync(options, Console.Out, stop.Token);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
        catch (BenchmarkFailedException e)
        {
            await Console.Error.WriteLineAsync("error: " + e.Message);
            return 1;
        }
    }

    private static void PrintUsage()
    {
        Console.WriteLine("usage: SoulKg.Benchmarks <benchmark> [--option value ...]");
        Console.WriteLine();
        foreach (var benchmark in All)
        {
            Console.WriteLine($"  {benchmark.Name,-10} {benchmark.Summary}");
            Console.WriteLine(benchmark.Usage);
        }
    }
}
