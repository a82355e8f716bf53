namespace SoulKg.Benchmarks;

/// <summary>The benchmark could not run (app unreachable, sign-in refused): exit code 1, no figures.</summary>
public sealed class BenchmarkFailedException(string message) : Exception(message);
