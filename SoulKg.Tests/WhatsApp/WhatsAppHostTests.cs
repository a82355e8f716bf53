using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Notifications;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.WhatsApp;

/// <summary>
/// The WhatsApp host on real Chromium against the sandbox, on a real database: linking by QR, both directions of
/// messages with acks, a killed browser, a logout from the phone and a page that lost a module.
/// </summary>
public sealed class WhatsAppHostTests(WhatsAppFactory app) : IClassFixture<WhatsAppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LinkedChannelTakesClientMessagesAndDeliversRepliesWithTicks()
    {
        var owner = await app.CreateOrgAsync();
        var channelId = await app.StartChannelAsync(owner.OrgId);
        await app.WaitForStateAsync(owner.OrgId, channelId, ChannelState.WaitingForQr);
        await app.LinkAsync(owner.OrgId, channelId);
        (await app.ChannelAsync(owner.OrgId, channelId)).Phone.ShouldBe("+996700000001");

        // A client by phone (with a ciphertext placeholder first), then one known only by linked id.
        app.Sandbox.SendFromClient(channelId, "+996 555 123 456", "Айгуль", "Здравствуйте! Хотим на Иссык-Куль в июле, нас 4", ciphertextFirst: true);
        app.Sandbox.SendFromClient(channelId, "88776655443322@lid", "Guest", "Hello from a linked id");
        Conversation? conversation = null;
        await Eventually.TrueAsync(async () => (conversation = await app.WithDbAsync(owner.OrgId, db =>
            db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.ChannelId == channelId && c.ExternalChatId == "996555123456@c.us"))) is not null);
        await Eventually.TrueAsync(() => app.WithDbAsync(owner.OrgId, db =>
            db.ClientContacts.AnyAsync(c => c.Kind == ContactKind.WhatsAppLid && c.Value == "88776655443322@lid")));
        var texts = await app.WithDbAsync(owner.OrgId, db => db.Messages.Where(m => m.ConversationId == conversation!.Id).Select(m => m.Text).ToListAsync());
        texts.ShouldBe(["Здравствуйте! Хотим на Иссык-Куль в июле, нас 4"]);
        (await app.WithDbAsync(owner.OrgId, db => db.ClientContacts.AnyAsync(c => c.ClientId == conversation!.ClientId && c.Value == "+996555123456"))).ShouldBeTrue();

        await using (var scope = app.UserScope(owner))
        {
            var conversations = scope.ServiceProvider.GetRequiredService<ConversationService>();
            await conversations.TakeOverAsync(conversation!.Id, ct: Ct);
            var reply = await conversations.SendAsync(conversation.Id, "Добрый день! Есть туры на южный берег.", Ct);
            await Eventually.TrueAsync(() => Task.FromResult(app.Sandbox.Messages(channelId).Any(m => !m.FromClient && m.Text == "Добрый день! Есть туры на южный берег.")),
                because: () => "the phone never got the reply");
            await Eventually.TrueAsync(async () => await StatusAsync(owner.OrgId, reply.Id) == MessageStatus.Delivered,
                because: () => "the reply was not marked delivered");
            app.Sandbox.MarkRead(channelId, "996555123456@c.us");
            await Eventually.TrueAsync(async () => await StatusAsync(owner.OrgId, reply.Id) == MessageStatus.Read,
                because: () => "the reply was not marked read");
        }
    }

    [Fact]
    public async Task KilledBrowserComesBackReadyWithoutQrAndMessagesOfTheOutageArriveOnce()
    {
        var owner = await app.CreateOrgAsync();
        var channelId = await app.StartChannelAsync(owner.OrgId);
        await app.LinkAsync(owner.OrgId, channelId);
        app.Sandbox.SendFromClient(channelId, "+996 700 111 222", "Бакыт", "До сбоя");
        await Eventually.TrueAsync(async () => await InboundCountAsync(owner.OrgId, channelId) == 1,
            because: () => "not received; last bridge event: " + app.Host.Session(channelId)?.LastEvent);
        // Chromium writes localStorage to the profile a few seconds after a change; a real session is long settled too.
        await Task.Delay(TimeSpan.FromSeconds(6), Ct);

        app.Host.KillBrowser(channelId).ShouldBeTrue();
        await app.WaitForStateAsync(owner.OrgId, channelId, ChannelState.Disconnected);
        app.Sandbox.SendFromClient(channelId, "+996 700 111 222", "Бакыт", "Во время сбоя 1");
        app.Sandbox.SendFromClient(channelId, "+996 700 111 333", "Нургуль", "Во время сбоя 2");

        await app.WaitForStateAsync(owner.OrgId, channelId, ChannelState.Ready);
        await Eventually.TrueAsync(async () => await InboundCountAsync(owner.OrgId, channelId) == 3);
        var events = await app.WithDbAsync(owner.OrgId, db => db.ChannelEvents.Where(e => e.ChannelId == channelId).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync());
        var restart = events.FindLastIndex(e => e.State == ChannelState.Disconnected);
        events.Skip(restart).ShouldNotContain(e => e.State == ChannelState.WaitingForQr, "the session survived: no new QR");

        // A second pass of the catch-up (another restart) re-sends unread messages; dedupe keeps them single.
        app.Host.KillBrowser(channelId).ShouldBeTrue();
        await app.WaitForStateAsync(owner.OrgId, channelId, ChannelState.Disconnected);
        await app.WaitForStateAsync(owner.OrgId, channelId, ChannelState.Ready);
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        (await InboundCountAsync(owner.OrgId, channelId)).ShouldBe(3);
    }

    [Fact]
    public async Task AfterAnAppRestartTheChannelIsReadyWithoutQrAndMessagesOfTheDowntimeArriveOnce()
    {
        var owner = await app.CreateOrgAsync();
        var channelId = await app.StartChannelAsync(owner.OrgId);
        await app.LinkAsync(owner.OrgId, channelId);
        app.Sandbox.SendFromClient(channelId, "+996 700 222 111", "Эрмек", "До перезапуска");
        await Eventually.TrueAsync(async () => await InboundCountAsync(owner.OrgId, channelId) == 1);
        await Task.Delay(TimeSpan.FromSeconds(6), Ct); // let Chromium flush the session to the profile, as in the kill test

        // The app stops (its browsers close, leases end), the phone writes meanwhile, then the app starts again.
        await app.Host.StopAsync(Ct);
        try
        {
            app.Host.Status(channelId).ShouldBeNull();
            app.Sandbox.SendFromClient(channelId, "+996 700 222 111", "Эрмек", "Пока приложение стояло");
        }
        finally
        {
            await app.Host.StartAsync(Ct);
        }

        await app.WaitForStateAsync(owner.OrgId, channelId, ChannelState.Ready, seconds: 60);
        await Eventually.TrueAsync(async () => await InboundCountAsync(owner.OrgId, channelId) == 2,
            because: () => "the message sent while the app was down did not arrive");
        var events = await app.WithDbAsync(owner.OrgId, db => db.ChannelEvents.Where(e => e.ChannelId == channelId).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync());
        var ready = events.FindIndex(e => e.State == ChannelState.Ready);
        events.Skip(ready).ShouldNotContain(e => e.State == ChannelState.WaitingForQr, "the session survived the restart: no new QR");
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        (await InboundCountAsync(owner.OrgId, channelId)).ShouldBe(2);
    }

    [Fact]
    public async Task LogoutFromThePhoneShowsLoggedOutAndNotifiesAdmins()
    {
        var owner = await app.CreateOrgAsync();
        var channelId = await app.StartChannelAsync(owner.OrgId);
        await app.LinkAsync(owner.OrgId, channelId);

        app.Sandbox.Logout(channelId);

        var channel = await app.WaitForStateAsync(owner.OrgId, channelId, ChannelState.LoggedOut);
        channel.StateReason.ShouldNotBeNull();
        await Eventually.TrueAsync(() => Task.FromResult(app.Notifier.Notices.Any(n =>
            n.OrgId == owner.OrgId && n.Kind == NoticeKind.ChannelNeedsQr && n.Audience == NoticeAudience.Admins)));
        await Eventually.TrueAsync(() => Task.FromResult(app.Host.Status(channelId) is null), because: () => "the browser still runs");
    }

    [Fact]
    public async Task PageWithoutAModuleFailsTheChannelNamingTheModule()
    {
        var owner = await app.CreateOrgAsync();
        var channelId = await app.StartChannelAsync(owner.OrgId);
        await app.LinkAsync(owner.OrgId, channelId);

        app.Sandbox.BreakModule(channelId, "WAWebSendMsgChatAction");
        app.Host.KillBrowser(channelId).ShouldBeTrue();

        var channel = await app.WaitForStateAsync(owner.OrgId, channelId, ChannelState.Failed);
        channel.StateReason!.ShouldContain("WAWebSendMsgChatAction");
        // The state is written first and admins are told right after: wait for the notice rather than race it.
        await Eventually.TrueAsync(() => Task.FromResult(app.Notifier.Notices.Any(n => n.OrgId == owner.OrgId && n.Kind == NoticeKind.ChannelFailed)),
            because: () => "admins were not told that the channel failed");
    }

    private Task<MessageStatus> StatusAsync(Guid orgId, Guid messageId) =>
        app.WithDbAsync(orgId, db => db.Messages.Where(m => m.Id == messageId).Select(m => m.Status).SingleAsync());

    private Task<int> InboundCountAsync(Guid orgId, Guid channelId) =>
        app.WithDbAsync(orgId, db => db.Messages.CountAsync(m => m.ChannelId == channelId && m.Direction == MessageDirection.Inbound));
}
