using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SoulKg.Domain.Conversations;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.WhatsApp;

/// <summary>
/// The inbound pipeline's promises through the real WhatsApp host (Chromium, bridge, sandbox) on a real database: a
/// message whose processing fails is kept with its error and stored by a retry, and a message the server delivers twice
/// is stored once.
/// </summary>
public sealed class WhatsAppInboundReliabilityTests(WhatsAppFactory app) : IClassFixture<WhatsAppFactory>
{
    private const string Poison = "[сбой-теста]";

    [Fact]
    public async Task AMessageThatFailsProcessingIsKeptWithItsErrorAndRetried_ADoubleDeliveryIsStoredOnce()
    {
        var owner = await app.CreateOrgAsync();
        var channelId = await app.StartChannelAsync(owner.OrgId);
        await app.LinkAsync(owner.OrgId, channelId);

        // The message store fails for this one message, as a database fault would, after the envelope is stored.
        await using (var admin = await Sql.OpenAsync(app.Database.AdminConnectionString))
        {
            await admin.ExecuteAsync($"""
                CREATE FUNCTION test_fail_store() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.text LIKE '%{Poison}%' THEN RAISE EXCEPTION 'test: the message store is down'; END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER test_fail_store BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION test_fail_store();
                """);
        }

        var id = app.Sandbox.SendFromClient(channelId, "+996 700 222 333", "Эрмек", $"Хотим на Сон-Куль в августе {Poison}");
        InboundEnvelope? envelope = null;
        await Eventually.TrueAsync(async () => (envelope = await EnvelopeAsync(owner.OrgId, channelId, id))?.Status == InboundStatus.Failed,
            because: () => $"the envelope is {(envelope is null ? "missing" : envelope.Status.ToString())}; last bridge event: {app.Host.Session(channelId)?.LastEvent}");
        envelope!.Error!.ShouldContain("the message store is down");
        (await MessageCountAsync(owner.OrgId, channelId, id)).ShouldBe(0);

        await using (var admin = await Sql.OpenAsync(app.Database.AdminConnectionString))
        {
            await admin.ExecuteAsync("DROP TRIGGER test_fail_store ON messages; DROP FUNCTION test_fail_store();");
        }

        // The retry worker's pass (it also runs by itself every 15 s; whichever comes first stores it).
        await app.Services.GetRequiredService<InboundRetryWorker>().RetryAllAsync(TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(async () => await MessageCountAsync(owner.OrgId, channelId, id) == 1);
        envelope = await EnvelopeAsync(owner.OrgId, channelId, id);
        envelope!.Status.ShouldBe(InboundStatus.Processed);
        envelope.Attempts.ShouldBeGreaterThanOrEqualTo(2);
        envelope.MessageId.ShouldNotBeNull();

        // The server delivers it again; the next message of the chat comes after it through the same serial event queue,
        // so once that one is stored the second delivery has been handled.
        app.Sandbox.Redeliver(channelId, id).ShouldBeTrue();
        var fence = app.Sandbox.SendFromClient(channelId, "+996 700 222 333", "Эрмек", "Нас будет шестеро");
        await Eventually.TrueAsync(async () => await MessageCountAsync(owner.OrgId, channelId, fence) == 1);

        (await MessageCountAsync(owner.OrgId, channelId, id)).ShouldBe(1);
        (await app.WithDbAsync(owner.OrgId, db => db.InboundEnvelopes.CountAsync(e => e.ChannelId == channelId && e.ExternalId == id))).ShouldBe(1);
        (await app.WithDbAsync(owner.OrgId, db => db.Conversations.CountAsync(c => c.ChannelId == channelId))).ShouldBe(1);
    }

    private Task<InboundEnvelope?> EnvelopeAsync(Guid orgId, Guid channelId, string externalId) =>
        app.WithDbAsync(orgId, db => db.InboundEnvelopes.AsNoTracking().FirstOrDefaultAsync(e => e.ChannelId == channelId && e.ExternalId == externalId));

    private Task<int> MessageCountAsync(Guid orgId, Guid channelId, string externalId) =>
        app.WithDbAsync(orgId, db => db.Messages.CountAsync(m => m.ChannelId == channelId && m.ExternalId == externalId));
}
