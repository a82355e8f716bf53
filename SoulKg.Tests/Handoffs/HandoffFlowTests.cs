using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Handoffs;
using SoulKg.Domain.Notifications;
using SoulKg.Domain.Partners;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Handoffs;
using SoulKg.Infrastructure.Notifications;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.Handoffs;

/// <summary>
/// Partner handoff on the real database: the card through the outbox into a partner chat, answers by WhatsApp and by
/// the one-time link, the client's phone only after acceptance, and the SLA sweep (remind, expire, offer the next).
/// </summary>
public sealed class HandoffFlowTests(HandoffWebFactory app) : IClassFixture<HandoffWebFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheCardGoesThroughTheOutboxToAPartnerChatThatIsNotAClientChat()
    {
        var s = await SetupAsync();
        var created = await SendAsync(s, s.Guide.Id);
        created.Link.ShouldStartWith("https://crm.test/p/");

        var (handoff, chat, message, outbox) = await app.InOrgAsync(s.Owner.OrgId, async db =>
        {
            var h = await db.Handoffs.AsNoTracking().SingleAsync(x => x.Id == created.Handoff.Id, Ct);
            var c = await db.Conversations.AsNoTracking().SingleAsync(x => x.Id == h.ConversationId, Ct);
            var m = await db.Messages.AsNoTracking().SingleAsync(x => x.Id == h.MessageId, Ct);
            var o = await db.Outbox.AsNoTracking().SingleAsync(x => x.MessageId == m.Id, Ct);
            return (h, c, m, o);
        });
        handoff.Status.ShouldBe(HandoffStatus.Pending);
        chat.PartnerId.ShouldBe(s.Guide.Id);
        chat.ClientId.ShouldBeNull();
        chat.Holder.ShouldBe(Holder.Closed);
        outbox.ChatId.ShouldBe(s.Guide.WhatsAppPhone![1..] + "@c.us");
        message.Direction.ShouldBe(MessageDirection.Outbound);
        message.Text.ShouldContain("Айгуль");
        message.Text.ShouldNotContain("Асанова");
        message.Text.ShouldNotContain(s.ClientPhone[4..]);
        message.Text.ShouldContain(created.Link);

        var inbox = await s.Api.GetFromJsonAsync<CursorPage<ConversationItem>>("/api/v1/conversations?tab=closed", CrmApi.Json, Ct);
        inbox!.Items.ShouldNotContain(c => c.Id == chat.Id);
    }

    [Fact]
    public async Task DaInWhatsAppAcceptsAndNetDeclinesWithItsReason()
    {
        var s = await SetupAsync();
        var toGuide = await SendAsync(s, s.Guide.Id);
        var toCamp = await SendAsync(s, s.Camp.Id);
        var clientsBefore = await app.InOrgAsync(s.Owner.OrgId, db => db.Clients.CountAsync(Ct));

        await ReplyAsync(s, s.Guide, "Да, берём");
        await ReplyAsync(s, s.Camp, "нет, юрты заняты");

        var (guide, camp, assigned, clientsAfter) = await app.InOrgAsync(s.Owner.OrgId, async db => (
            await db.Handoffs.AsNoTracking().SingleAsync(h => h.Id == toGuide.Handoff.Id, Ct),
            await db.Handoffs.AsNoTracking().SingleAsync(h => h.Id == toCamp.Handoff.Id, Ct),
            await db.DealPartners.AsNoTracking().Where(a => a.DealId == s.DealId).Select(a => a.PartnerId).ToListAsync(Ct),
            await db.Clients.CountAsync(Ct)));
        guide.Status.ShouldBe(HandoffStatus.Accepted);
        guide.RespondedVia.ShouldBe(HandoffChannel.WhatsApp);
        guide.RespondedAt.ShouldNotBeNull();
        camp.Status.ShouldBe(HandoffStatus.Declined);
        camp.Reason.ShouldBe("юрты заняты");
        assigned.ShouldBe([s.Guide.Id]);
        clientsAfter.ShouldBe(clientsBefore, "a partner's reply must not create a client");

        var notices = await NoticesAsync(s.Owner.OrgId);
        notices.ShouldContain(n => n.UserId == s.Sales.UserId && n.Kind == NoticeKind.PartnerAccepted);
        notices.ShouldContain(n => n.UserId == s.Sales.UserId && n.Kind == NoticeKind.PartnerDeclined);
        notices.Where(n => n.Kind is NoticeKind.PartnerAccepted or NoticeKind.PartnerDeclined).ShouldAllBe(n => n.UserId == s.Sales.UserId);
    }

    [Fact]
    public async Task TheLinkAcceptsOnceAndRevealsThePhoneOnlyAfterAcceptance()
    {
        var s = await SetupAsync();
        var created = await SendAsync(s, s.Guide.Id);
        var token = created.Link[(created.Link.LastIndexOf('/') + 1)..];
        using var anonymous = app.CreateClient();

        var before = await anonymous.GetFromJsonAsync<PublicHandoff>($"/api/v1/public/handoffs/{token}", CrmApi.Json, Ct);
        before!.ClientPhone.ShouldBeNull();
        before.Card.ClientFirstName.ShouldBe("Айгуль");

        using var accept = await anonymous.PostAsJsonAsync($"/api/v1/public/handoffs/{token}/accept", new { }, CrmApi.Json, Ct);
        var accepted = await accept.ReadAsync<PublicHandoff>();
        accepted.Status.ShouldBe(HandoffStatus.Accepted);
        accepted.ClientPhone.ShouldNotBeNull();
        accepted.ClientPhone.Replace(" ", "").ShouldBe(s.ClientPhone);

        using var again = await anonymous.PostAsJsonAsync($"/api/v1/public/handoffs/{token}/decline", new { reason = "передумали" }, CrmApi.Json, Ct);
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);

        var chatId = (await HandoffAsync(s, created.Handoff.Id)).ConversationId;
        var confirmation = await app.InOrgAsync(s.Owner.OrgId, db => db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == chatId).OrderByDescending(m => m.CreatedAt).Select(m => m.Text).FirstAsync(Ct));
        confirmation.ShouldContain(SoulKg.Domain.Phones.Format(s.ClientPhone));
    }

    [Fact]
    public async Task TheLinkDeclinesWithAReasonAndThePhoneStaysHidden()
    {
        var s = await SetupAsync();
        var token = Token(await SendAsync(s, s.Guide.Id));
        using var anonymous = app.CreateClient();

        using var tooLong = await anonymous.PostAsJsonAsync($"/api/v1/public/handoffs/{token}/decline", new { reason = new string('x', 501) }, CrmApi.Json, Ct);
        (await tooLong.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("reason");

        using var decline = await anonymous.PostAsJsonAsync($"/api/v1/public/handoffs/{token}/decline", new { reason = "нет свободных машин" }, CrmApi.Json, Ct);
        var declined = await decline.ReadAsync<PublicHandoff>();
        declined.Status.ShouldBe(HandoffStatus.Declined);
        declined.Reason.ShouldBe("нет свободных машин");
        declined.ClientPhone.ShouldBeNull();
    }

    [Fact]
    public async Task AnExpiredOrUnknownLinkIsRefused()
    {
        var s = await SetupAsync();
        var created = await SendAsync(s, s.Guide.Id);
        await app.InOrgAsync(s.Owner.OrgId, db => db.Handoffs.Where(h => h.Id == created.Handoff.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(h => h.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)), Ct));
        using var anonymous = app.CreateClient();

        using var late = await anonymous.PostAsJsonAsync($"/api/v1/public/handoffs/{Token(created)}/accept", new { }, CrmApi.Json, Ct);
        late.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var view = await anonymous.GetFromJsonAsync<PublicHandoff>($"/api/v1/public/handoffs/{Token(created)}", CrmApi.Json, Ct);
        view!.IsExpired.ShouldBeTrue();

        var forged = HandoffTokens.Create(s.Owner.OrgId);
        (await anonymous.GetAsync($"/api/v1/public/handoffs/{forged}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await anonymous.GetAsync("/api/v1/public/handoffs/not-a-token", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var status = await app.InOrgAsync(s.Owner.OrgId, db => db.Handoffs.Where(h => h.Id == created.Handoff.Id).Select(h => h.Status).FirstAsync(Ct));
        status.ShouldBe(HandoffStatus.Pending, "the sweep, not a late click, records the expiry");
    }

    [Fact]
    public async Task TheSweepRemindsThenExpiresAndOffersTheNextPartner()
    {
        var s = await SetupAsync();
        var second = await app.PartnerAsync(s.Owner, "Гид Бакыт " + Guid.NewGuid().ToString("N")[..4], PartnerType.Guide, HandoffWebFactory.RandomPhone());
        var created = await SendAsync(s, s.Guide.Id);
        var sla = app.Services.GetRequiredService<HandoffSlaService>();
        var sent = created.Handoff.CreatedAt;

        await sla.SweepAsync(sent.AddMinutes(30), Ct);
        (await HandoffAsync(s, created.Handoff.Id)).RemindedAt.ShouldBeNull();

        await sla.SweepAsync(sent.AddMinutes(61), Ct);
        var reminded = await HandoffAsync(s, created.Handoff.Id);
        reminded.RemindedAt.ShouldNotBeNull().ShouldBe(sent.AddMinutes(61), TimeSpan.FromMilliseconds(1)); // PostgreSQL keeps microseconds
        reminded.Status.ShouldBe(HandoffStatus.Pending);
        (await ChatTextsAsync(s, reminded.ConversationId!.Value)).ShouldContain(t => t.StartsWith("Напоминаем", StringComparison.Ordinal));

        await sla.SweepAsync(sent.AddMinutes(121), Ct);
        var expired = await HandoffAsync(s, created.Handoff.Id);
        expired.Status.ShouldBe(HandoffStatus.Expired);
        expired.RespondedVia.ShouldBe(HandoffChannel.Sla);
        var next = await HandoffAsync(s, expired.NextHandoffId.ShouldNotBeNull());
        next.PartnerId.ShouldBe(second.Id);
        next.Status.ShouldBe(HandoffStatus.Pending);
        (await ChatTextsAsync(s, next.ConversationId!.Value)).ShouldContain(t => t.Contains("Айгуль", StringComparison.Ordinal));
        (await NoticesAsync(s.Owner.OrgId)).ShouldContain(n => n.Kind == NoticeKind.PartnerExpired && n.UserId == s.Sales.UserId && n.Body!.Contains(second.Name));

        await sla.SweepAsync(sent.AddMinutes(122), Ct);
        (await app.InOrgAsync(s.Owner.OrgId, db => db.Handoffs.CountAsync(h => h.DealId == s.DealId, Ct))).ShouldBe(2);
    }

    [Fact]
    public async Task WithNotifyManagerTheSweepOnlyTellsTheResponsiblePerson()
    {
        var s = await SetupAsync();
        using (var put = await s.Api.PutJsonAsync("/api/v1/handoffs/settings", new { slaMinutes = 30, reminderMinutes = 0, escalation = "NotifyManager", revealPhoneOnAccept = false }))
        {
            put.StatusCode.ShouldBe(HttpStatusCode.OK, await put.Content.ReadAsStringAsync(Ct));
        }

        await app.PartnerAsync(s.Owner, "Гид Эрмек " + Guid.NewGuid().ToString("N")[..4], PartnerType.Guide, HandoffWebFactory.RandomPhone());
        var created = await SendAsync(s, s.Guide.Id);
        await app.Services.GetRequiredService<HandoffSlaService>().SweepAsync(created.Handoff.CreatedAt.AddMinutes(31), Ct);

        var expired = await HandoffAsync(s, created.Handoff.Id);
        expired.Status.ShouldBe(HandoffStatus.Expired);
        expired.RemindedAt.ShouldBeNull();
        expired.NextHandoffId.ShouldBeNull();
        (await app.InOrgAsync(s.Owner.OrgId, db => db.Handoffs.CountAsync(h => h.DealId == s.DealId, Ct))).ShouldBe(1);
        (await NoticesAsync(s.Owner.OrgId)).ShouldContain(n => n.Kind == NoticeKind.PartnerExpired && n.UserId == s.Sales.UserId);
    }

    [Fact]
    public async Task WithoutRevealThePhoneStaysHiddenEvenAfterAcceptance()
    {
        var s = await SetupAsync();
        using (var put = await s.Api.PutJsonAsync("/api/v1/handoffs/settings", new { slaMinutes = 120, reminderMinutes = 60, escalation = "OfferNext", revealPhoneOnAccept = false }))
        {
            put.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var created = await SendAsync(s, s.Guide.Id);
        using var anonymous = app.CreateClient();
        using var accept = await anonymous.PostAsJsonAsync($"/api/v1/public/handoffs/{Token(created)}/accept", new { }, CrmApi.Json, Ct);
        (await accept.ReadAsync<PublicHandoff>()).ClientPhone.ShouldBeNull();
    }

    [Fact]
    public async Task SuggestionsRankRegionLanguageAndHistoryAndFlagBusyPartners()
    {
        var s = await SetupAsync();
        var english = await app.PartnerAsync(s.Owner, "Guide Anna " + Guid.NewGuid().ToString("N")[..4], PartnerType.Guide, HandoffWebFactory.RandomPhone(), ["Каракол"], ["en"]);
        var suggestions = await s.Api.GetFromJsonAsync<List<PartnerSuggestion>>($"/api/v1/handoffs/suggestions?dealId={s.DealId}&type=Guide", CrmApi.Json, Ct);

        suggestions.ShouldNotBeNull();
        suggestions.Select(x => x.PartnerId).ShouldBe([s.Guide.Id, english.Id]);
        suggestions[0].Reasons.ShouldContain("работает в регионе тура");
        suggestions.ShouldAllBe(x => x.Type == PartnerType.Guide);

        using var bad = await s.Api.GetAsync($"/api/v1/handoffs/suggestions?type=Guide", Ct);
        (await bad.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("dealId");
    }

    [Fact]
    public async Task BadRequestsWriteNothing()
    {
        var s = await SetupAsync();
        using var empty = await s.Api.PostJsonAsync("/api/v1/handoffs", new { dealId = s.DealId, partnerIds = Array.Empty<Guid>() });
        (await empty.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("partnerIds");
        using var settings = await s.Api.PutJsonAsync("/api/v1/handoffs/settings", new { slaMinutes = 60, reminderMinutes = 90, escalation = "OfferNext" });
        (await settings.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("reminderMinutes");
        using var unknown = await s.Api.PostJsonAsync("/api/v1/handoffs", new { dealId = s.DealId, partnerIds = new[] { s.Guide.Id, Guid.NewGuid() } });
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await app.InOrgAsync(s.Owner.OrgId, db => db.Handoffs.CountAsync(Ct))).ShouldBe(0, "a failed request must not half-send");
        (await app.InOrgAsync(s.Owner.OrgId, db => db.Conversations.CountAsync(c => c.PartnerId != null, Ct))).ShouldBe(0);
    }

    [Fact]
    public async Task PartnerStatsCountAcceptanceAndResponseTime()
    {
        var s = await SetupAsync();
        await SendAsync(s, s.Guide.Id);
        await ReplyAsync(s, s.Guide, "ооба");
        var stats = await s.Api.GetFromJsonAsync<PartnerHandoffStats>($"/api/v1/handoffs/partners/{s.Guide.Id}/stats", CrmApi.Json, Ct);
        stats!.Total.ShouldBe(1);
        stats.Accepted.ShouldBe(1);
        stats.AcceptanceRate.ShouldBe(1.0);
        stats.AverageResponseMinutes.ShouldNotBeNull();
        var history = await s.Api.GetFromJsonAsync<CursorPage<HandoffItem>>($"/api/v1/handoffs?partnerId={s.Guide.Id}", CrmApi.Json, Ct);
        history!.Items.Single().Status.ShouldBe(HandoffStatus.Accepted);
    }

    // ---- helpers ----

    private sealed record Setup(TestAccount Owner, TestAccount Sales, HttpClient Api, Guid ChannelId, Guid DealId, string ClientPhone, PartnerItem Guide, PartnerItem Camp);

    private async Task<Setup> SetupAsync()
    {
        var (owner, api) = await app.NewOrgAsync();
        var sales = await app.CreateUserAsync(owner, OrgRole.Sales);
        var channelId = await app.SandboxChannelAsync(owner.OrgId);
        var phone = HandoffWebFactory.RandomPhone();
        var client = await api.CreateClientAsync("Айгуль Асанова", phone);
        var (deal, _) = await api.CreateDealAsync(client.Id, new
        {
            title = "Сон-Куль, 3 дня", travelFrom = "2026-07-10", travelTo = "2026-07-12", adults = 2, children = 1, pickupCity = "Бишкек",
            region = "Сон-Куль", responsibleUserId = sales.UserId,
        });
        var guide = await app.PartnerAsync(owner, "Гид Азамат " + Guid.NewGuid().ToString("N")[..4], PartnerType.Guide, HandoffWebFactory.RandomPhone());
        var camp = await app.PartnerAsync(owner, "Юрты Сон-Куль " + Guid.NewGuid().ToString("N")[..4], PartnerType.Accommodation, HandoffWebFactory.RandomPhone());
        return new Setup(owner, sales, api, channelId, deal.Id, phone, guide, camp);
    }

    private static async Task<CreatedHandoff> SendAsync(Setup s, Guid partnerId)
    {
        using var response = await s.Api.PostJsonAsync("/api/v1/handoffs", new { dealId = s.DealId, partnerIds = new[] { partnerId }, notes = "Вегетарианцы" });
        return (await response.ReadAsync<List<CreatedHandoff>>(HttpStatusCode.Created)).Single();
    }

    private async Task ReplyAsync(Setup s, PartnerItem partner, string text)
    {
        var result = await app.Services.GetRequiredService<InboundPipeline>().ReceiveAsync(s.Owner.OrgId, new InboundMessage
        {
            ChannelId = s.ChannelId, ExternalId = "p-" + Guid.NewGuid().ToString("N"), ChatId = partner.WhatsAppPhone![1..] + "@c.us",
            SenderPhone = partner.WhatsAppPhone, Text = text, SentAt = DateTimeOffset.UtcNow,
        }, Ct);
        result.Outcome.ShouldBe(InboundOutcome.Stored, result.Error);
    }

    private Task<Handoff> HandoffAsync(Setup s, Guid id) =>
        app.InOrgAsync(s.Owner.OrgId, db => db.Handoffs.AsNoTracking().SingleAsync(h => h.Id == id, Ct));

    private Task<List<string>> ChatTextsAsync(Setup s, Guid conversationId) =>
        app.InOrgAsync(s.Owner.OrgId, db => db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId).Select(m => m.Text).ToListAsync(Ct));

    private Task<List<Notification>> NoticesAsync(Guid orgId) =>
        app.InOrgAsync(orgId, db => db.Notifications.AsNoTracking().ToListAsync(Ct));

    private static string Token(CreatedHandoff created) => created.Link[(created.Link.LastIndexOf('/') + 1)..];
}
