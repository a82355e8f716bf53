using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SoulKg.Domain.Tenancy;
using SoulKg.Tests.TestInfrastructure;
using SoulKg.Web.Features.Auth;

namespace SoulKg.Tests.Integration;

public sealed class AuditTests(SoulKgWebFactory app) : IClassFixture<SoulKgWebFactory>
{
    private sealed record AuditRow(string ActorType, Guid? ActorId, string? ActorName, string EntityId, string Action, JsonElement Changes, string? TraceId);

    [Fact]
    public async Task SignUpAuditsTheOwnersMembershipWithTheRequestsTraceId()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/signup")
        {
            Content = JsonContent.Create(new SignUpBody("Аудит " + Guid.NewGuid().ToString("N")[..6], "Гульнара Мамытова",
                SoulKgWebFactory.UniqueEmail("audit"), SoulKgWebFactory.Password, "ru")),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var me = (await response.Content.ReadFromJsonAsync<MeResponse>(TestContext.Current.CancellationToken)).ShouldNotBeNull();
        var membershipId = await Sql.ScalarAsync<Guid>(app.Database.AdminConnectionString,
            "SELECT id FROM memberships WHERE org_id = @o", ("o", me.OrgId));
        var row = (await AuditRowsAsync(me.OrgId, "Membership")).ShouldHaveSingleItem();
        row.Action.ShouldBe("Created");
        row.ActorType.ShouldBe("User");
        row.ActorId.ShouldBe(me.UserId);
        row.ActorName.ShouldBe("Гульнара Мамытова");
        row.EntityId.ShouldBe(membershipId.ToString());
        row.Changes.GetProperty("UserId").GetProperty("new").GetGuid().ShouldBe(me.UserId);
        row.Changes.TryGetProperty("Role", out _).ShouldBeTrue();
        row.Changes.TryGetProperty("OrgId", out _).ShouldBeFalse();
        row.TraceId.ShouldBe(traceId);
        (await AuditRowsAsync(me.OrgId, "Organization")).ShouldHaveSingleItem().Action.ShouldBe("Created");
    }

    [Fact]
    public async Task AddingAMemberIsAuditedAsTheActingOwner()
    {
        var owner = await app.CreateOrgAsync();
        using var activity = new Activity("add-member").Start();

        var sales = await app.CreateUserAsync(owner, OrgRole.Sales);

        var row = (await AuditRowsAsync(owner.OrgId, "Membership")).Where(r => r.Changes.TryGetProperty("UserId", out var u) && u.GetProperty("new").GetGuid() == sales.UserId).ShouldHaveSingleItem();
        row.Action.ShouldBe("Created");
        row.ActorType.ShouldBe("User");
        row.ActorId.ShouldBe(owner.UserId);
        row.ActorName.ShouldBe("Владелец Тестов");
        row.TraceId.ShouldBe(activity.TraceId.ToHexString());
    }

    [Fact]
    public async Task DeactivatingAMemberRecordsTheOldAndNewValue()
    {
        var owner = await app.CreateOrgAsync();
        var sales = await app.CreateUserAsync(owner, OrgRole.Sales);

        await app.DeactivateAsync(sales);

        var row = (await AuditRowsAsync(owner.OrgId, "Membership")).Where(r => r.Action == "Updated").ShouldHaveSingleItem();
        row.ActorType.ShouldBe("System");
        row.Changes.GetProperty("IsActive").GetProperty("old").GetBoolean().ShouldBeTrue();
        row.Changes.GetProperty("IsActive").GetProperty("new").GetBoolean().ShouldBeFalse();
        row.Changes.TryGetProperty("UserId", out _).ShouldBeFalse();
    }

    private async Task<List<AuditRow>> AuditRowsAsync(Guid orgId, string entityType)
    {
        await using var connection = await Sql.OpenAsync(app.Database.AdminConnectionString);
        return await connection.ListAsync(
            "SELECT actor_type, actor_id, actor_name, entity_id, action, changes::text, trace_id FROM audit_log WHERE org_id = @o AND entity_type = @t ORDER BY at",
            r => new AuditRow(r.GetString(0), r.IsDBNull(1) ? null : r.GetGuid(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3),
                r.GetString(4), JsonDocument.Parse(r.GetString(5)).RootElement.Clone(), r.IsDBNull(6) ? null : r.GetString(6)),
            ("o", orgId), ("t", entityType));
    }
}
