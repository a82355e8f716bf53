using Microsoft.EntityFrameworkCore.Design;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Data;

/// <summary>Lets <c>dotnet ef</c> build the model without starting the web host (it never connects).</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<SoulKgDbContext>
{
    public SoulKgDbContext CreateDbContext(string[] args) =>
        new(NpgsqlOptions.For("Host=localhost;Database=soulkg_design"), new OrgContext());
}
