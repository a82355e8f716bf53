using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Tenancy;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.WhatsApp;

/// <summary>
/// /api/v1/channels in the Production environment (no browsers: the host is off): admins only, the diagnostic kill
/// refuses a channel this instance does not drive, and the sandbox endpoints do not exist even for a sandbox channel.
/// </summary>
public sealed class ChannelsApiTests(ProductionWebFactory app) : IClassFixture<ProductionWebFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OnlyAdminsReachTheChannelApi_KillNeedsARunningBrowser_AndTheSandboxEndpointsAre404InProduction()
    {
        var owner = await app.CreateOrgAsync();
        var sales = await app.CreateUserAsync(owner, OrgRole.Sales);
        Guid channelId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(owner.OrgId);
            channelId = (await scope.ServiceProvider.GetRequiredService<ChannelService>().CreateAsync("WhatsApp (песочница)", ChannelMode.Sandbox, ct: Ct)).Id;
        }

        using (var client = await app.CreateBearerClientAsync(sales))
        {
            using var list = await client.GetAsync("/api/v1/channels", Ct);
            list.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            using var kill = await client.PostAsync($"/api/v1/channels/{channelId}/browser/kill", null, Ct);
            kill.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        using var admin = await app.CreateBearerClientAsync(owner);
        var channels = await admin.GetFromJsonAsync<List<ChannelRow>>("/api/v1/channels", Ct);
        channels.ShouldHaveSingleItem().Id.ShouldBe(channelId);
        channels[0].State.ShouldBe("Stopped");
        channels[0].DrivenHere.ShouldBeFalse();

        using (var kill = await admin.PostAsync($"/api/v1/channels/{channelId}/browser/kill", null, Ct))
        {
            kill.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        }

        using (var unknown = await admin.PostAsync($"/api/v1/channels/{Guid.NewGuid()}/browser/kill", null, Ct))
        {
            unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        using (var stop = await admin.PostAsync($"/api/v1/channels/{channelId}/stop", null, Ct))
        {
            stop.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        }

        using (var message = await admin.PostAsJsonAsync($"/api/v1/channels/{channelId}/sandbox/messages", new { from = "+996555123456", text = "Здравствуйте" }, Ct))
        {
            message.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        using (var invalid = await admin.PostAsJsonAsync($"/api/v1/channels/{channelId}/sandbox/messages", new { from = "", text = "" }, Ct))
        {
            (await invalid.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldBe(["from", "text"], ignoreOrder: true);
        }

        using (var scan = await admin.PostAsync($"/api/v1/channels/{channelId}/sandbox/scan", null, Ct))
        {
            scan.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        var document = await admin.GetStringAsync("/openapi/v1.json", Ct);
        document.ShouldContain("/api/v1/channels/{id}/browser/kill");
        document.ShouldContain("/api/v1/channels/{id}/sandbox/messages");
    }

    private sealed record ChannelRow(Guid Id, string State, bool DrivenHere);
}
