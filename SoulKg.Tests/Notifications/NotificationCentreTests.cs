using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SoulKg.Domain.Notifications;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Notifications;
using SoulKg.Tests.TestInfrastructure;
using SoulKg.Web.Features.Notifications;

namespace SoulKg.Tests.Notifications;

/// <summary>The notification centre on the real database: who receives a notice, unread counts, read marks, preferences.</summary>
public sealed class NotificationCentreTests(HandoffWebFactory app) : IClassFixture<HandoffWebFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private INotifier Notifier => app.Services.GetRequiredService<INotifier>();

    [Fact]
    public async Task NoticesReachTheAudiencesRolesInTheirOrganisationOnly()
    {
        var team = await TeamAsync();
        var other = await app.CreateOrgAsync();

        await Notifier.NotifyAsync(new Notice(team.Owner.OrgId, NoticeKind.ChannelNeedsQr, NoticeAudience.Admins, "Отсканируйте QR"), Ct);
        await Notifier.NotifyAsync(new Notice(team.Owner.OrgId, NoticeKind.ChatWaitingForHuman, NoticeAudience.ChatStaff, "Чат ждёт"), Ct);
        await Notifier.NotifyAsync(new Notice(team.Owner.OrgId, NoticeKind.ChatAssigned, NoticeAudience.User, "Вам чат", UserId: team.Sales.UserId), Ct);
        // A user of another organisation addressed here gets nothing, here or there.
        await Notifier.NotifyAsync(new Notice(team.Owner.OrgId, NoticeKind.ChatAssigned, NoticeAudience.User, "Чужой", UserId: other.UserId), Ct);

        var rows = await app.InOrgAsync(team.Owner.OrgId, db => db.Notifications.AsNoTracking().ToListAsync(Ct));
        Recipients(rows, NoticeKind.ChannelNeedsQr).ShouldBe(new[] { team.Owner.UserId, team.Admin.UserId }.Order());
        Recipients(rows, NoticeKind.ChatWaitingForHuman).ShouldBe(team.All.Select(a => a.UserId).Order());
        Recipients(rows, NoticeKind.ChatAssigned).ShouldBe([team.Sales.UserId]);
        (await app.InOrgAsync(other.OrgId, db => db.Notifications.CountAsync(Ct))).ShouldBe(0);
    }

    [Fact]
    public async Task ADeactivatedMemberGetsNothing()
    {
        var team = await TeamAsync();
        await app.DeactivateAsync(team.Operator);
        await Notifier.NotifyAsync(new Notice(team.Owner.OrgId, NoticeKind.ChatWaitingForHuman, NoticeAudience.ChatStaff, "Чат ждёт"), Ct);
        var rows = await app.InOrgAsync(team.Owner.OrgId, db => db.Notifications.AsNoTracking().ToListAsync(Ct));
        rows.ShouldNotContain(n => n.UserId == team.Operator.UserId);
        rows.Count.ShouldBe(4);
    }

    [Fact]
    public async Task UnreadCountFollowsReadMarksAndNobodyMarksAnothersNotice()
    {
        var team = await TeamAsync();
        for (var i = 0; i < 3; i++)
        {
            await Notifier.NotifyAsync(new Notice(team.Owner.OrgId, NoticeKind.ImportFinished, NoticeAudience.User, $"Импорт {i}", UserId: team.Sales.UserId), Ct);
        }

        await Notifier.NotifyAsync(new Notice(team.Owner.OrgId, NoticeKind.ImportFinished, NoticeAudience.User, "Владельцу", UserId: team.Owner.UserId), Ct);
        using var sales = await app.CreateBearerClientAsync(team.Sales);
        (await CountAsync(sales)).ShouldBe(3);

        var page = await sales.GetFromJsonAsync<CursorPage<NotificationItem>>("/api/v1/notifications?limit=2", CrmApi.Json, Ct);
        page!.Items.Count.ShouldBe(2);
        page.Items[0].Title.ShouldBe("Импорт 2");
        var rest = await sales.GetFromJsonAsync<CursorPage<NotificationItem>>($"/api/v1/notifications?limit=2&cursor={page.NextCursor}", CrmApi.Json, Ct);
        rest!.Items.Select(n => n.Title).ShouldBe(["Импорт 0"]);
        rest.NextCursor.ShouldBeNull();

        (await sales.PostAsync($"/api/v1/notifications/{page.Items[0].Id}/read", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await CountAsync(sales)).ShouldBe(2);
        var unread = await sales.GetFromJsonAsync<CursorPage<NotificationItem>>("/api/v1/notifications?unreadOnly=true", CrmApi.Json, Ct);
        unread!.Items.ShouldNotContain(n => n.Id == page.Items[0].Id);

        var ownersNotice = await app.InOrgAsync(team.Owner.OrgId, db => db.Notifications.Where(n => n.UserId == team.Owner.UserId).Select(n => n.Id).FirstAsync(Ct));
        (await sales.PostAsync($"/api/v1/notifications/{ownersNotice}/read", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        using var all = await sales.PostAsync("/api/v1/notifications/read-all", null, Ct);
        (await all.ReadAsync<MarkedRead>()).Marked.ShouldBe(2);
        (await CountAsync(sales)).ShouldBe(0);
        using var owner = await app.CreateBearerClientAsync(team.Owner);
        (await CountAsync(owner)).ShouldBe(1);
    }

    [Fact]
    public async Task PreferencesStartWithTheUrgentKindsAndAreValidated()
    {
        var team = await TeamAsync();
        using var sales = await app.CreateBearerClientAsync(team.Sales);
        var initial = await sales.GetFromJsonAsync<NotificationPreferences>("/api/v1/notifications/preferences", CrmApi.Json, Ct);
        initial!.BrowserKinds.ShouldContain(NoticeKind.ChatWaitingForHuman);

        using var put = await sales.PutJsonAsync("/api/v1/notifications/preferences", new { browserKinds = new[] { "PartnerAccepted", "ChatAssigned" } });
        (await put.ReadAsync<NotificationPreferences>()).BrowserKinds.ShouldBe([NoticeKind.ChatAssigned, NoticeKind.PartnerAccepted]);
        var saved = await sales.GetFromJsonAsync<NotificationPreferences>("/api/v1/notifications/preferences", CrmApi.Json, Ct);
        saved!.BrowserKinds.ShouldBe([NoticeKind.ChatAssigned, NoticeKind.PartnerAccepted]);

        using var bad = await sales.PutJsonAsync("/api/v1/notifications/preferences", new { browserKinds = new[] { 99 } });
        (await bad.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("browserKinds[0]");
        using var owner = await app.CreateBearerClientAsync(team.Owner);
        (await owner.GetFromJsonAsync<NotificationPreferences>("/api/v1/notifications/preferences", CrmApi.Json, Ct))!.BrowserKinds
            .ShouldBe(NotificationPreference.DefaultBrowserKinds, "one person's choice is theirs only");
    }

    [Fact]
    public async Task AChatWaitingForAPersonTellsTheChatStaffAndAnAssignmentTellsTheAssignee()
    {
        var team = await TeamAsync();
        var channelId = await app.SandboxChannelAsync(team.Owner.OrgId);
        var inbound = await app.Services.GetRequiredService<InboundPipeline>().ReceiveAsync(team.Owner.OrgId, new InboundMessage
        {
            ChannelId = channelId, ExternalId = "n-" + Guid.NewGuid().ToString("N"), ChatId = HandoffWebFactory.RandomPhone()[1..] + "@c.us",
            SenderName = "Нурлан", Text = "Позовите человека", SentAt = DateTimeOffset.UtcNow,
        }, Ct);
        var conversationId = inbound.ConversationId.ShouldNotBeNull();

        await using (var scope = app.SystemScope(team.Owner.OrgId))
        {
            await scope.ServiceProvider.GetRequiredService<ConversationService>().RequestHumanAsync(conversationId, "Клиент просит человека", Ct);
        }

        await using (var scope = app.UserScope(team.Manager))
        {
            await scope.ServiceProvider.GetRequiredService<ConversationService>().AssignAsync(conversationId, team.Operator.UserId, ct: Ct);
        }

        var rows = await app.InOrgAsync(team.Owner.OrgId, db => db.Notifications.AsNoTracking().ToListAsync(Ct));
        Recipients(rows, NoticeKind.ChatWaitingForHuman).ShouldBe(team.All.Select(a => a.UserId).Order());
        rows.Where(n => n.Kind == NoticeKind.ChatWaitingForHuman).ShouldAllBe(n => n.Link == $"inbox/{conversationId}" && n.Title.Contains("Нурлан"));
        Recipients(rows, NoticeKind.ChatAssigned).ShouldBe([team.Operator.UserId]);

        await using var sales = app.UserScope(team.Sales);
        await Should.ThrowAsync<SoulKg.Domain.DomainException>(() =>
            sales.ServiceProvider.GetRequiredService<ConversationService>().AssignAsync(conversationId, team.Sales.UserId, ct: Ct));
    }

    [Fact]
    public async Task AnotherOrganisationCannotReadNoticesEvenWithoutTheQueryFilter()
    {
        var team = await TeamAsync();
        var other = await app.CreateOrgAsync();
        await Notifier.NotifyAsync(new Notice(team.Owner.OrgId, NoticeKind.ChannelFailed, NoticeAudience.Admins, "Канал упал"), Ct);
        var seen = await app.InOrgAsync(other.OrgId, db => db.Notifications.IgnoreQueryFilters().CountAsync(n => n.OrgId == team.Owner.OrgId, Ct));
        seen.ShouldBe(0);
    }

    private sealed record Team(TestAccount Owner, TestAccount Admin, TestAccount Manager, TestAccount Sales, TestAccount Operator)
    {
        public IReadOnlyList<TestAccount> All => [Owner, Admin, Manager, Sales, Operator];
    }

    private async Task<Team> TeamAsync()
    {
        var owner = await app.CreateOrgAsync();
        return new Team(owner, await app.CreateUserAsync(owner, OrgRole.Admin), await app.CreateUserAsync(owner, OrgRole.Manager),
            await app.CreateUserAsync(owner, OrgRole.Sales), await app.CreateUserAsync(owner, OrgRole.Operator));
    }

    private static IEnumerable<Guid> Recipients(IEnumerable<Notification> rows, NoticeKind kind) =>
        rows.Where(n => n.Kind == kind).Select(n => n.UserId).Order();

    private static async Task<int> CountAsync(HttpClient api) =>
        (await api.GetFromJsonAsync<UnreadCount>("/api/v1/notifications/unread-count", CrmApi.Json, Ct))!.Count;
}
