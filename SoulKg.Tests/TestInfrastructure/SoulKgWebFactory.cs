using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Identity;
using SoulKg.Infrastructure.Tenancy;
using SoulKg.Web.Infrastructure.Auth;

namespace SoulKg.Tests.TestInfrastructure;

/// <summary>A person who can sign in, with their organisation.</summary>
public sealed record TestAccount(Guid OrgId, string OrgName, Guid UserId, string Email, string Password, OrgRole Role);

/// <summary>
/// The real app (its <c>Program</c>) on a database of its own, connected as the app role; migrations come from the
/// run's template, so the app does not migrate at start. Share it per test class with <c>IClassFixture</c>.
/// </summary>
public class SoulKgWebFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string Password = "Passw0rd!";

    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "soulkg-tests", Guid.NewGuid().ToString("N"));
    private PostgresDatabase? _database;

    public PostgresDatabase Database => _database ?? throw new InvalidOperationException("The factory is not initialised yet.");

    public virtual async ValueTask InitializeAsync() => _database = await PostgresDatabase.CreateAsync();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        await DeleteDataFolderAsync(_dataPath);

        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// A browser the app drove (the WhatsApp host) may still be flushing its profile for a moment after it was told to
    /// close, so "directory not empty" is retried; a temp folder that still cannot go is left, not a failed test run.
    /// </summary>
    private static async Task DeleteDataFolderAsync(string path)
    {
        for (var attempt = 1; Directory.Exists(path); attempt++)
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (attempt == 10)
                {
                    await Console.Error.WriteLineAsync($"Test data folder {path} left behind: {e.Message}");
                    return;
                }

                await Task.Delay(300 * attempt);
            }
        }
    }

    /// <summary>Configuration a test class needs on top of the defaults (for example a low rate limit).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> ExtraSettings => [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = Database.AppConnectionString,
            ["ConnectionStrings:Owner"] = Database.OwnerConnectionString,
            ["Database:MigrateOnStartup"] = "false",
            ["SoulKg:DataPath"] = _dataPath,
            ["RateLimits:SignInPerMinute"] = "100000",
            ["RateLimits:ApiPerMinute"] = "100000",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in ExtraSettings)
        {
            settings[key] = value;
        }

        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, TestEndpoints>());
    }

    public static string UniqueEmail(string who = "user") => $"{who}-{Guid.NewGuid():N}@test.soulkg.kg";

    /// <summary>Signs up a new organisation through the app's <see cref="SignUpService"/>; returns its owner.</summary>
    public async Task<TestAccount> CreateOrgAsync(string? orgName = null)
    {
        orgName ??= "Org " + Guid.NewGuid().ToString("N")[..8];
        var email = UniqueEmail("owner");
        await using var scope = Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<SignUpService>()
            .SignUpAsync(new SignUpRequest(orgName, "Владелец Тестов", email, Password));
        result.Succeeded.ShouldBeTrue(string.Join("; ", result.Errors.SelectMany(e => e.Value)));
        return new TestAccount(result.OrgId!.Value, orgName, result.UserId!.Value, email, Password, OrgRole.Owner);
    }

    /// <summary>Adds a person with <paramref name="role"/> to the organisation of <paramref name="member"/>.</summary>
    public async Task<TestAccount> CreateUserAsync(TestAccount member, OrgRole role)
    {
        var email = UniqueEmail(role.ToString().ToLowerInvariant());
        await using var scope = Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        services.GetRequiredService<OrgContext>().SetUser(member.OrgId, member.UserId, member.Role, "Владелец Тестов");
        var user = new ApplicationUser { UserName = email, Email = email, DisplayName = $"{role} Тестов", CreatedAt = DateTimeOffset.UtcNow };
        var created = await services.GetRequiredService<UserManager<ApplicationUser>>().CreateAsync(user, Password);
        created.Succeeded.ShouldBeTrue(string.Join("; ", created.Errors.Select(e => e.Description)));

        var db = services.GetRequiredService<SoulKgDbContext>();
        db.Memberships.Add(new Membership { UserId = user.Id, Role = role, CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        return new TestAccount(member.OrgId, member.OrgName, user.Id, email, Password, role);
    }

    /// <summary>What an admin's "deactivate" does: the membership is switched off and the security stamp changes.</summary>
    public async Task DeactivateAsync(TestAccount account)
    {
        await using var scope = Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        services.GetRequiredService<OrgContext>().SetSystem(account.OrgId);
        var db = services.GetRequiredService<SoulKgDbContext>();
        var membership = await db.Memberships.SingleAsync(m => m.UserId == account.UserId);
        membership.IsActive = false;
        membership.DeactivatedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync();

        var users = services.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(account.UserId.ToString());
        (await users.UpdateSecurityStampAsync(user!)).Succeeded.ShouldBeTrue();
    }

    /// <summary>Changes a member's role directly in the database, as a role change by an admin would.</summary>
    public async Task ChangeRoleAsync(TestAccount account, OrgRole role)
    {
        await using var scope = Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        services.GetRequiredService<OrgContext>().SetSystem(account.OrgId);
        var db = services.GetRequiredService<SoulKgDbContext>();
        var membership = await db.Memberships.SingleAsync(m => m.UserId == account.UserId);
        membership.Role = role;
        await db.SaveChangesAsync();
    }

    public async Task<TokenPair> GetTokenAsync(TestAccount account)
    {
        using var client = CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { account.Email, account.Password });
        response.IsSuccessStatusCode.ShouldBeTrue(await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<TokenPair>())!;
    }

    public HttpClient CreateBearerClient(string accessToken)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    public async Task<HttpClient> CreateBearerClientAsync(TestAccount account) => CreateBearerClient((await GetTokenAsync(account)).AccessToken);

    /// <summary>The address of the real server (Kestrel mode only).</summary>
    public Uri ServerAddress =>
        new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
}

/// <summary>The same app served by Kestrel on a free port, for the browser.</summary>
public sealed class SoulKgServerFactory : SoulKgWebFactory
{
    public SoulKgServerFactory() => UseKestrel(0);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        StartServer();
    }
}

/// <summary>
/// Endpoints that exist only in tests: a route guarded by an admin-only permission, so a 403 can be shown before the
/// app has an admin API of its own. They sit in a branch in front of the app with the app's own authentication and
/// authorization services (its JWT validation, its permission policies and its problem responses).
/// </summary>
internal sealed class TestEndpoints : IStartupFilter
{
    public const string ManageUsersPath = "/api/v1/test-only/manage-users";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/api/v1/test-only"), branch =>
        {
            branch.UseRouting();
            branch.UseAuthentication();
            branch.UseAuthorization();
            branch.UseEndpoints(endpoints => endpoints.MapGet(ManageUsersPath, () => TypedResults.Ok("allowed"))
                .RequireAuthorization(Permissions.ManageUsers));
        });
        next(app);
    };
}
