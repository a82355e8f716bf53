using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Partners;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Tests.TestInfrastructure;

/// <summary>
/// The app for the notification and handoff tests: the fake sandbox adapter, no send pacing, and no SLA sweeper
/// (tests call <c>SweepAsync(now)</c> with the time they want).
/// </summary>
public class HandoffWebFactory : SoulKgWebFactory
{
    public FakeChannelGateway Gateway { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
    [
        new("Outbox:PaceSends", "false"),
        new("Inbox:EchoGateway", "false"),
        new("Handoffs:Sweep", "false"),
        new("Handoffs:PublicBaseUrl", "https://crm.test"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IChannelGateway>();
            services.AddSingleton<IChannelGateway>(Gateway);
        });
    }

    public AsyncServiceScope SystemScope(Guid orgId)
    {
        var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId);
        return scope;
    }

    public AsyncServiceScope UserScope(TestAccount account)
    {
        var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetUser(account.OrgId, account.UserId, account.Role, account.Role + " Тестов");
        return scope;
    }

    /// <summary>Runs <paramref name="work"/> on a context of the organisation (as the system), and disposes both.</summary>
    public async Task<T> InOrgAsync<T>(Guid orgId, Func<SoulKgDbContext, Task<T>> work)
    {
        await using var scope = SystemScope(orgId);
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync();
        return await work(db);
    }

    public async Task<Guid> SandboxChannelAsync(Guid orgId)
    {
        await using var scope = SystemScope(orgId);
        return (await scope.ServiceProvider.GetRequiredService<ChannelService>().CreateAsync("Песочница", ChannelMode.Sandbox)).Id;
    }

    public async Task<PartnerItem> PartnerAsync(TestAccount owner, string name, PartnerType type, string phone, string[]? regions = null, string[]? languages = null)
    {
        await using var scope = UserScope(owner);
        return await scope.ServiceProvider.GetRequiredService<PartnerService>().CreateAsync(new PartnerInput
        {
            Name = name, Type = type, WhatsAppPhone = phone, Regions = regions ?? ["Сон-Куль"], Languages = languages ?? ["ru"],
        });
    }

    // Kyrgyz mobile prefixes that libphonenumber accepts.
    private static readonly string[] MobilePrefixes = ["555", "550", "700", "707", "772"];

    public static string RandomPhone() =>
        "+996" + MobilePrefixes[Random.Shared.Next(MobilePrefixes.Length)] + Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
