using SoulKg.Tests.TestInfrastructure;

[assembly: AssemblyFixture(typeof(TestRun))]

namespace SoulKg.Tests.TestInfrastructure;

/// <summary>Once per test run: drops the run's template database at the end.</summary>
public sealed class TestRun : IAsyncLifetime
{
    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await PostgresDatabase.DropTemplateAsync();
}
