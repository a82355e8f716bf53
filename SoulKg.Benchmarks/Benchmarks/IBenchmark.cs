namespace SoulKg.Benchmarks.Benchmarks;

/// <summary>One subcommand of the benchmark runner.</summary>
public interface IBenchmark
{
    /// <summary>The subcommand, e.g. <c>me</c>.</summary>
    string Name { get; }

    string Summary { get; }

    /// <summary>Option lines printed under the summary by <c>--help</c>.</summary>
    string Usage { get; }

    /// <summary>Runs the benchmark, prints its figures and returns the process exit code.</summary>
    Task<int> RunAsync(BenchmarkArgs args, TextWriter output, CancellationToken cancellationToken);
}
