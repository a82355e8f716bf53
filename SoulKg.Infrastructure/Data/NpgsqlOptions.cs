using Microsoft.EntityFrameworkCore;

namespace SoulKg.Infrastructure.Data;

public static class NpgsqlOptions
{
    public static DbContextOptionsBuilder UseSoulKgNpgsql(this DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseNpgsql(connectionString).UseSnakeCaseNamingConvention();

    public static DbContextOptions<SoulKgDbContext> For(string connectionString)
    {
        var builder = new DbContextOptionsBuilder<SoulKgDbContext>();
        builder.UseSoulKgNpgsql(connectionString);
        return builder.Options;
    }
}
