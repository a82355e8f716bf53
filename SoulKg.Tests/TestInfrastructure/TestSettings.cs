namespace SoulKg.Tests.TestInfrastructure;

/// <summary>The PostgreSQL server and browser that scripts/test.sh (or <c>ensure_postgres</c>) provides.</summary>
public static class TestSettings
{
    public static string OwnerConnectionString => Require("ConnectionStrings__Owner");

    public static string AppConnectionString => Require("ConnectionStrings__Default");

    public static string AdminConnectionString => Require("SOULKG_PG_ADMIN");

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("SOULKG_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set. Run the tests with scripts/test.sh, or first `source scripts/lib/common.sh && ensure_postgres`.");
}
