using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.FollowUps;
using SoulKg.Domain.Tenancy;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.FollowUps;

/// <summary>The follow-ups REST surface: list, cancel, send now, settings; validation, permissions and other organisations.</summary>
public sealed class FollowUpsApiTests(FollowUpsWebFactory app) : IClassFixture<FollowUpsWebFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListCancelAndSendNow()
    {
        var (org, conversationId) = await app.ChatAsync();
        await ScheduleAsync(org.OrgId, conversationId, FollowUpKind.BeforeTrip, "Памятка перед поездкой");
        await ScheduleAsync(org.OrgId, conversationId, FollowUpKind.AfterTrip, "Как прошла поездка?");
        var clientId = await app.ReadAsync(org.OrgId, db => db.Conversations.Where(c => c.Id == conversationId).Select(c => c.ClientId!.Value).SingleAsync(Ct));
        using var http = await app.CreateBearerClientAsync(org);

        var list = await ItemsAsync(http, clientId);
        list.Count.ShouldBe(2);
        list.ShouldAllBe(f => f.GetProperty("status").GetString() == "Pending");
        var before = list.Single(f => f.GetProperty("kind").GetString() == "BeforeTrip").GetProperty("id").GetGuid();
        var after = list.Single(f => f.GetProperty("kind").GetString() == "AfterTrip").GetProperty("id").GetGuid();

        using var cancelled = await http.PostAsync($"/api/v1/follow-ups/{before}/cancel", null, Ct);
        cancelled.StatusCode.ShouldBe(HttpStatusCode.OK, await cancelled.Content.ReadAsStringAsync(Ct));
        (await cancelled.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString().ShouldBe("Cancelled");
        using var again = await http.PostAsync($"/api/v1/follow-ups/{before}/cancel", null, Ct);
        await again.ShouldBeProblemAsync(HttpStatusCode.Conflict);

        using var sent = await http.PostAsync($"/api/v1/follow-ups/{after}/send-now", null, Ct);
        sent.StatusCode.ShouldBe(HttpStatusCode.OK, await sent.Content.ReadAsStringAsync(Ct));
        (await sent.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString().ShouldBe("Sent");
        using var sentAgain = await http.PostAsync($"/api/v1/follow-ups/{after}/send-now", null, Ct);
        await sentAgain.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        (await app.ReadAsync(org.OrgId, db => db.Messages.CountAsync(m => m.ConversationId == conversationId && m.Author == MessageAuthor.System, Ct))).ShouldBe(1);
    }

    [Fact]
    public async Task UnknownIdsAndOtherOrganisationsAreNotFound()
    {
        var (org, conversationId) = await app.ChatAsync();
        await ScheduleAsync(org.OrgId, conversationId, FollowUpKind.RepeatSale, null);
        var id = await app.ReadAsync(org.OrgId, db => db.FollowUps.Where(f => f.ConversationId == conversationId).Select(f => f.Id).SingleAsync(Ct));
        var clientId = await app.ReadAsync(org.OrgId, db => db.Conversations.Where(c => c.Id == conversationId).Select(c => c.ClientId!.Value).SingleAsync(Ct));
        var stranger = await app.CreateOrgAsync();
        using var http = await app.CreateBearerClientAsync(stranger);

        using var list = await http.GetAsync($"/api/v1/clients/{clientId}/follow-ups", Ct);
        await list.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        using var cancel = await http.PostAsync($"/api/v1/follow-ups/{id}/cancel", null, Ct);
        await cancel.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        using var send = await http.PostAsync($"/api/v1/follow-ups/{Guid.NewGuid()}/send-now", null, Ct);
        await send.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await app.ReadAsync(org.OrgId, db => db.FollowUps.Where(f => f.Id == id).Select(f => f.Status).SingleAsync(Ct))).ShouldBe(FollowUpStatus.Pending);
    }

    [Fact]
    public async Task SettingsAreValidatedAndNeedTheSettingsPermission()
    {
        var org = await app.CreateOrgAsync();
        using var owner = await app.CreateBearerClientAsync(org);

        var defaults = await owner.GetFromJsonAsync<JsonElement>("/api/v1/follow-ups/settings", Ct);
        defaults.GetProperty("quietClientHours").GetInt32().ShouldBe(FollowUpSettings.DefaultQuietClientHours);
        defaults.GetProperty("autoReturnAfterHours").ValueKind.ShouldBe(JsonValueKind.Null);

        using var invalid = await owner.PutAsJsonAsync("/api/v1/follow-ups/settings", new { quietClientHours = 0, beforeTripDays = 61, autoReturnAfterHours = 500 }, Ct);
        var problem = await invalid.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.ErrorFields().ShouldBe(["quietClientHours", "beforeTripDays", "autoReturnAfterHours"], ignoreOrder: true);
        (await owner.GetFromJsonAsync<JsonElement>("/api/v1/follow-ups/settings", Ct)).GetProperty("beforeTripDays").GetInt32()
            .ShouldBe(FollowUpSettings.DefaultBeforeTripDays);

        using var saved = await owner.PutAsJsonAsync("/api/v1/follow-ups/settings", new { quietClientHours = 12, beforeTripDays = 2, autoReturnAfterHours = 4 }, Ct);
        saved.StatusCode.ShouldBe(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync(Ct));
        var read = await owner.GetFromJsonAsync<JsonElement>("/api/v1/follow-ups/settings", Ct);
        read.GetProperty("quietClientHours").GetInt32().ShouldBe(12);
        read.GetProperty("autoReturnAfterHours").GetInt32().ShouldBe(4);

        var sales = await app.CreateUserAsync(org, OrgRole.Sales);
        using var salesHttp = await app.CreateBearerClientAsync(sales);
        using var forbidden = await salesHttp.PutAsJsonAsync("/api/v1/follow-ups/settings", new { quietClientHours = 1, beforeTripDays = 1, autoReturnAfterHours = (int?)null }, Ct);
        await forbidden.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        var @operator = await app.CreateUserAsync(org, OrgRole.Operator);
        using var operatorHttp = await app.CreateBearerClientAsync(@operator);
        using var noList = await operatorHttp.GetAsync($"/api/v1/clients/{Guid.NewGuid()}/follow-ups", Ct);
        await noList.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task TheEndpointsAreInTheOpenApiDocument()
    {
        using var http = app.CreateClient();
        var document = await http.GetStringAsync("/openapi/v1.json", Ct);
        document.ShouldContain("/api/v1/clients/{id}/follow-ups");
        document.ShouldContain("/api/v1/follow-ups/{id}/cancel");
        document.ShouldContain("/api/v1/follow-ups/{id}/send-now");
        document.ShouldContain("/api/v1/follow-ups/settings");
    }

    private async Task ScheduleAsync(Guid orgId, Guid conversationId, FollowUpKind kind, string? text) =>
        await app.Services.GetRequiredService<IFollowUpScheduler>()
            .ScheduleAsync(new FollowUpRequest(orgId, conversationId, kind, DateTimeOffset.UtcNow.AddDays(10), text, "тест"), Ct);

    private static async Task<List<JsonElement>> ItemsAsync(HttpClient http, Guid clientId)
    {
        var items = await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{clientId}/follow-ups", Ct);
        return [.. items.EnumerateArray()];
    }
}
