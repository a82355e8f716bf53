using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using SoulKg.Infrastructure.WhatsApp.Sandbox;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.WhatsApp;

/// <summary>The app in the Production environment, even with the sandbox switched on in its configuration.</summary>
public sealed class ProductionWebFactory : SoulKgWebFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
    [
        new("WhatsApp:SandboxEnabled", "true"),
        new("WhatsApp:HostEnabled", "false"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Production");
    }
}

public sealed class SandboxConfigurationTests(ProductionWebFactory app) : IClassFixture<ProductionWebFactory>
{
    [Fact]
    public async Task SandboxIsUnreachableInProductionEvenWhenConfiguredOn()
    {
        app.Services.GetRequiredService<SandboxServer>().Enabled.ShouldBeFalse();
        Should.Throw<InvalidOperationException>(() => app.Services.GetRequiredService<SandboxServer>().SendFromClient(Guid.NewGuid(), "+996555123456", null, "hi"));

        using var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using var response = await client.GetAsync($"/sandbox/phone/{Guid.NewGuid()}", TestContext.Current.CancellationToken);
        // Anonymous: the sign-in redirect; signed in: the guard's 404. Never the page.
        response.StatusCode.ShouldNotBe(HttpStatusCode.OK);
        (response.Headers.Location?.OriginalString ?? "").ShouldNotStartWith("/sandbox");
    }
}
