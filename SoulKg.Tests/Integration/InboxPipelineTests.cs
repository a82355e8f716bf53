using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SoulKg.Domain;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Realtime;
using SoulKg.Infrastructure.Tenancy;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.Integration;

/// <summary>
/// The live inbox end to end on a real database: inbound dedupe and client matching, the inbound retry, who holds a
/// chat under concurrency, the outbox with a fake adapter (crash mid-send, retries, final failure), acks, push per
/// organisation and the REST surface. The background dispatcher is off; tests drain the outbox themselves.
/// </summary>
public sealed class InboxPipelineTests(InboxWebFactory app) : IClassFixture<InboxWebFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // ---- 1. Inbound ----

    [Fact]
    public async Task ChatWithAnUnparseableNumberKeepsOneClient()
    {
        var (org, channelId) = await OrgWithChannelAsync();
        var pipeline = app.Services.GetRequiredService<InboundPipeline>();
        int clientsBefore;
        await using (var before = await DbAsync(org.OrgId))
        {
            clientsBefore = await before.Clients.CountAsync(Ct);
        }

        var first = await pipeline.ReceiveAsync(org.OrgId, Inbound(channelId, "odd-1", "12345@c.us", "Алло"), Ct);
        var second = await pipeline.ReceiveAsync(org.OrgId, Inbound(channelId, "odd-2", "12345@c.us", "Алло?"), Ct);

        second.ConversationId.ShouldBe(first.ConversationId);
        await using var db = await DbAsync(org.OrgId);
        (await db.Clients.CountAsync(Ct)).ShouldBe(clientsBefore + 1);
    }

    [Fact]
    public async Task InboundCreatesClientConversationAndMessage_DedupesByExternalId_AndMatchesLidToThePhoneClient()
    {
        var (org, channelId) = await OrgWithChannelAsync();
        var pipeline = app.Services.GetRequiredService<InboundPipeline>();
        var phone = RandomPhone();
        var chat = phone[1..] + "@c.us";
        int clientsBefore;
        await using (var before = await DbAsync(org.OrgId))
        {
            clientsBefore = await before.Clients.CountAsync(Ct); // sign-up may seed sample clients
        }

        var first = await pipeline.ReceiveAsync(org.OrgId, Inbound(channelId, "ext-1", chat, "Здравствуйте", senderName: "Айгуль"), Ct);
        first.Outcome.ShouldBe(InboundOutcome.Stored, first.Error);
        first.ConversationId.ShouldNotBeNull();

        var again = await pipeline.ReceiveAsync(org.OrgId, Inbound(channelId, "ext-1", chat, "Здравствуйте", senderName: "Айгуль"), Ct);
        again.Outcome.ShouldBe(InboundOutcome.Duplicate);

        var second = await pipeline.ReceiveAsync(org.OrgId, Inbound(channelId, "ext-2", chat, "Есть туры?"), Ct);
        second.Outcome.ShouldBe(InboundOutcome.Stored, second.Error);
        second.ConversationId.ShouldBe(first.ConversationId);

        var lid = Guid.NewGuid().ToString("N")[..15] + "@lid";
        var fromLid = await pipeline.ReceiveAsync(org.OrgId, Inbound(channelId, "ext-3", lid, "Это я же, с другого id", senderPhone: phone), Ct);
        fromLid.Outcome.ShouldBe(InboundOutcome.Stored, fromLid.Error);

        await using var db = await DbAsync(org.OrgId);
        (await db.Clients.CountAsync(Ct)).ShouldBe(clientsBefore + 1);
        var clientIds = await db.ClientContacts.Where(c => c.Value == phone || c.Value == lid).Select(c => c.ClientId).Distinct().ToListAsync(Ct);
        clientIds.Count.ShouldBe(1);
        var clients = await db.Clients.AsNoTracking().Where(c => c.Id == clientIds[0]).ToListAsync(Ct);
        clients[0].Name.ShouldBe("Айгуль");
        var contacts = await db.ClientContacts.AsNoTracking().Where(c => c.ClientId == clients[0].Id).ToListAsync(Ct);
        contacts.ShouldContain(c => c.Kind == ContactKind.Phone && c.Value == phone);
        contacts.ShouldContain(c => c.Kind == ContactKind.WhatsAppLid && c.Value == lid);

        var conversation = await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == first.ConversationId, Ct);
        conversation.ClientId.ShouldBe(clients[0].Id);
        conversation.Holder.ShouldBe(Holder.AiActive);
        (await db.Messages.CountAsync(m => m.ChannelId == channelId && m.ExternalId == "ext-1", Ct)).ShouldBe(1);
        (await db.Messages.CountAsync(m => m.ConversationId == first.ConversationId, Ct)).ShouldBe(2);
        // The lid chat is another chat of the same client.
        var lidConversation = await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == fromLid.ConversationId, Ct);
        lidConversation.ClientId.ShouldBe(clients[0].Id);
    }

    // ---- 2. Inbound retry ----

    [Fact]
    public async Task AnEnvelopeLeftUnprocessedOrFailedIsProcessedByTheRetryWorker_AndStoredOnce()
    {
        var (org, channelId) = await OrgWithChannelAsync();
        var chat = RandomPhone()[1..] + "@c.us";
        var pending = Inbound(channelId, "crashed-" + Guid.NewGuid().ToString("N"), chat, "Пришло до падения");
        var failed = Inbound(channelId, "failed-" + Guid.NewGuid().ToString("N"), chat, "Упало при обработке");
        Guid pendingId, failedId;
        await using (var db = await DbAsync(org.OrgId))
        {
            var a = new InboundEnvelope
            {
                ChannelId = channelId, ExternalId = pending.ExternalId, Payload = JsonSerializer.Serialize(pending),
                Status = InboundStatus.Pending, ReceivedAt = DateTimeOffset.UtcNow.AddMinutes(-5),
            };
            var b = new InboundEnvelope
            {
                ChannelId = channelId, ExternalId = failed.ExternalId, Payload = JsonSerializer.Serialize(failed),
                Status = InboundStatus.Failed, Attempts = 1, Error = "simulated failure", ReceivedAt = DateTimeOffset.UtcNow.AddMinutes(-4),
            };
            db.InboundEnvelopes.AddRange(a, b);
            await db.SaveChangesAsync(Ct);
            (pendingId, failedId) = (a.Id, b.Id);
        }

        var worker = app.Services.GetRequiredService<InboundRetryWorker>();
        (await worker.RetryAllAsync(Ct)).ShouldBeGreaterThanOrEqualTo(2);
        await worker.RetryAllAsync(Ct);

        // The channel redelivers it too: still one message.
        (await app.Services.GetRequiredService<InboundPipeline>().ReceiveAsync(org.OrgId, pending, Ct)).Outcome.ShouldBe(InboundOutcome.Duplicate);
        (await app.Services.GetRequiredService<InboundPipeline>().ProcessAsync(org.OrgId, failedId, Ct)).Outcome.ShouldBe(InboundOutcome.Duplicate);

        await using var check = await DbAsync(org.OrgId);
        (await check.Messages.CountAsync(m => m.ExternalId == pending.ExternalId, Ct)).ShouldBe(1);
        (await check.Messages.CountAsync(m => m.ExternalId == failed.ExternalId, Ct)).ShouldBe(1);
        var envelopes = await check.InboundEnvelopes.AsNoTracking().Where(e => e.Id == pendingId || e.Id == failedId).ToListAsync(Ct);
        envelopes.ShouldAllBe(e => e.Status == InboundStatus.Processed && e.MessageId != null);
        (await check.Conversations.CountAsync(c => c.ExternalChatId == chat, Ct)).ShouldBe(1);
    }

    // ---- 3. Takeover vs. the agent ----

    [Fact]
    public async Task AnAgentReplyAfterATakeoverIsDropped_NothingIsWritten()
    {
        var (org, channelId) = await OrgWithChannelAsync();
        var conversationId = await InboundConversationAsync(org.OrgId, channelId);
        var operatorA = await app.CreateUserAsync(org, OrgRole.Operator);
        await using (var scope = UserScope(operatorA))
        {
            await scope.ServiceProvider.GetRequiredService<ConversationService>().TakeOverAsync(conversationId, ct: Ct);
        }

        MessageItem? reply;
        await using (var scope = SystemScope(org.OrgId))
        {
            reply = await scope.ServiceProvider.GetRequiredService<ConversationService>()
                .EnqueueAgentReplyAsync(conversationId, "Ответ агента", null, "Агент", Ct);
        }

        reply.ShouldBeNull();
        await using var db = await DbAsync(org.OrgId);
        (await db.Messages.CountAsync(m => m.ConversationId == conversationId && m.Direction == MessageDirection.Outbound, Ct)).ShouldBe(0);
        (await db.Outbox.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task AnAgentReplyWhileTheAgentHoldsIsQueued()
    {
        var (org, channelId) = await OrgWithChannelAsync();
        var conversationId = await InboundConversationAsync(org.OrgId, channelId);
        await using var scope = SystemScope(org.OrgId);
        var reply = await scope.ServiceProvider.GetRequiredService<ConversationService>()
            .EnqueueAgentReplyAsync(conversationId, "Ответ агента", null, "Агент", Ct);
        reply.ShouldNotBeNull();
        reply.Status.ShouldBe(MessageStatus.Queued);
        await using var db = await DbAsync(org.OrgId);
        (await db.Outbox.CountAsync(o => o.MessageId == reply.Id, Ct)).ShouldBe(1);
    }

    // ---- 4. Concurrent takeover ----

    [Fact]
    public async Task TwoOperatorsTakingOverAtOnce_ExactlyOneWins_AndOneHolderChangeIsRecorded()
    {
        var (org, channelId) = await OrgWithChannelAsync();
        var conversationId = await InboundConversationAsync(org.OrgId, channelId);
        var a = await app.CreateUserAsync(org, OrgRole.Operator);
        var b = await app.CreateUserAsync(org, OrgRole.Operator);

        async Task<Exception?> TakeAsync(TestAccount who)
        {
            await Task.Yield();
            await using var scope = UserScope(who);
            try
            {
                await scope.ServiceProvider.GetRequiredService<ConversationService>().TakeOverAsync(conversationId, ct: Ct);
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        }

        // Hold the row from outside so both takeovers are in flight together before either can write.
        Exception?[] results;
        await using (var locker = await Sql.OpenAsync(app.Database.AdminConnectionString))
        {
            await using var hold = await locker.BeginTransactionAsync(Ct);
            await locker.ExecuteAsync("SELECT 1 FROM conversations WHERE id = @id FOR UPDATE", ("id", conversationId));
            var both = Task.WhenAll(Task.Run(() => TakeAsync(a), Ct), Task.Run(() => TakeAsync(b), Ct));
            await Task.Delay(500, Ct);
            both.IsCompleted.ShouldBeFalse("the takeovers should wait for the row lock");
            await hold.CommitAsync(Ct);
            results = await both;
        }

        results.Count(r => r is null).ShouldBe(1, string.Join("; ", results.Select(r => r?.ToString())));
        var error = results.Single(r => r is not null);
        var domain = error.ShouldBeOfType<DomainException>();
        domain.Kind.ShouldBe(DomainErrorKind.Conflict);

        await using var db = await DbAsync(org.OrgId);
        var changes = await db.HolderChanges.AsNoTracking().Where(h => h.ConversationId == conversationId).ToListAsync(Ct);
        changes.Count.ShouldBe(1);
        changes[0].To.ShouldBe(Holder.Human);
        var conversation = await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == conversationId, Ct);
        conversation.Holder.ShouldBe(Holder.Human);
        conversation.HolderUserId.ShouldBe(changes[0].ToUserId);
        new[] { a.UserId, b.UserId }.ShouldContain(conversation.HolderUserId!.Value);
    }

    // ---- 5. Sending only by the holder ----

    [Fact]
    public async Task AnOperatorCannotSendIntoAChatTheyDoNotHold_AfterTakeoverTheMessageAndItsOutboxRowAreWritten()
    {
        var (org, channelId) = await OrgWithChannelAsync();
        var conversationId = await InboundConversationAsync(org.OrgId, channelId);
        var holder = await app.CreateUserAsync(org, OrgRole.Operator);
        var other = await app.CreateUserAsync(org, OrgRole.Operator);

        await using (var scope = UserScope(holder))
        {
            var e = await Should.ThrowAsync<DomainException>(() => scope.ServiceProvider.GetRequiredService<ConversationService>().SendAsync(conversationId, "Привет", Ct));
            e.Kind.ShouldBe(DomainErrorKind.Conflict);
        }

        await using (var scope = UserScope(holder))
        {
            await scope.ServiceProvider.GetRequiredService<ConversationService>().TakeOverAsync(conversationId, ct: Ct);
        }

        await using (var scope = UserScope(other))
        {
            var e = await Should.ThrowAsync<DomainException>(() => scope.ServiceProvider.GetRequiredService<ConversationService>().SendAsync(conversationId, "Я тоже", Ct));
            e.Kind.ShouldBe(DomainErrorKind.Conflict);
        }

        MessageItem sent;
        await using (var scope = UserScope(holder))
        {
            sent = await scope.ServiceProvider.GetRequiredService<ConversationService>().SendAsync(conversationId, "Здравствуйте, я оператор", Ct);
        }

        sent.Status.ShouldBe(MessageStatus.Queued);
        await using var db = await DbAsync(org.OrgId);
        var outbound = await db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId && m.Direction == MessageDirection.Outbound).ToListAsync(Ct);
        outbound.Count.ShouldBe(1);
        outbound[0].AuthorUserId.ShouldBe(holder.UserId);
        var outbox = await db.Outbox.AsNoTracking().ToListAsync(Ct);
        outbox.Count.ShouldBe(1);
        outbox[0].MessageId.ShouldBe(sent.Id);
        outbox[0].Status.ShouldBe(OutboxStatus.Pending);

        // One transaction: the message row and its outbox row carry the same transaction id.
        await using var connection = await Sql.OpenAsync(app.Database.AdminConnectionString);
        var sameTx = await connection.ScalarAsync<bool>(
            "SELECT m.xmin::text = o.xmin::text FROM messages m JOIN outbox o ON o.message_id = m.id WHERE m.id = @id", ("id", sent.Id));
        sameTx.ShouldBeTrue();
    }

    // ---- 6. Dispatcher ----

    [Fact]
    public async Task AQueuedMessageIsSentOnce_AndBecomesSentWithTheExternalId()
    {
        var (org, messageId) = await QueuedMessageAsync();
        var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();

        (await dispatcher.DrainOrgAsync(org.OrgId, Ct)).ShouldBe(1);
        (await dispatcher.DrainOrgAsync(org.OrgId, Ct)).ShouldBe(0);

        var key = FakeChannelGateway.KeyOf(messageId);
        app.Gateway.Calls(key).ShouldBe(1);
        app.Gateway.Deliveries(key).ShouldBe(1);
        var (message, outbox) = await StateAsync(org.OrgId, messageId);
        message.Status.ShouldBe(MessageStatus.Sent);
        message.ExternalId.ShouldBe(app.Gateway.ExternalIdOf(key));
        outbox.Status.ShouldBe(OutboxStatus.Sent);
    }

    [Fact]
    public async Task ACrashAfterTheGatewayDeliveredButBeforeRecording_IsSentAgainWithTheSameKey_AndDeliveredOnce()
    {
        var (org, messageId) = await QueuedMessageAsync();
        var key = FakeChannelGateway.KeyOf(messageId);
        // The crashed instance claimed the row and the adapter delivered it, then the process died before recording.
        (await app.Gateway.SendTextAsync(Guid.Empty, "chat", "text", key, Ct)).Succeeded.ShouldBeTrue();
        await using (var connection = await Sql.OpenAsync(app.Database.AdminConnectionString))
        {
            (await connection.ExecuteAsync(
                "UPDATE outbox SET status = 'Sending', attempts = 1, locked_by = 'dead-instance', locked_until = now() - interval '1 minute' WHERE message_id = @id",
                ("id", messageId))).ShouldBe(1);
        }

        var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();
        (await dispatcher.DrainOrgAsync(org.OrgId, Ct)).ShouldBe(1);

        app.Gateway.Calls(key).ShouldBe(2);
        app.Gateway.Deliveries(key).ShouldBe(1);
        var (message, outbox) = await StateAsync(org.OrgId, messageId);
        message.Status.ShouldBe(MessageStatus.Sent);
        message.ExternalId.ShouldBe(app.Gateway.ExternalIdOf(key));
        outbox.Status.ShouldBe(OutboxStatus.Sent);
    }

    [Fact]
    public async Task ARowStillLeasedByALiveSenderIsNotTakenAgain()
    {
        var (org, messageId) = await QueuedMessageAsync();
        await using (var connection = await Sql.OpenAsync(app.Database.AdminConnectionString))
        {
            await connection.ExecuteAsync(
                "UPDATE outbox SET status = 'Sending', attempts = 1, locked_by = 'live-instance', locked_until = now() + interval '1 minute' WHERE message_id = @id",
                ("id", messageId));
        }

        (await app.Services.GetRequiredService<OutboxDispatcher>().DrainOrgAsync(org.OrgId, Ct)).ShouldBe(0);
        app.Gateway.Calls(FakeChannelGateway.KeyOf(messageId)).ShouldBe(0);
    }

    [Fact]
    public async Task ASendThatFailsTwiceIsRetried_AndEndsSent()
    {
        var (org, messageId) = await QueuedMessageAsync();
        var key = FakeChannelGateway.KeyOf(messageId);
        app.Gateway.FailNext(2);

        var (message, outbox) = await DrainUntilAsync(org.OrgId, messageId, m => m.Status == MessageStatus.Sent);

        app.Gateway.Calls(key).ShouldBe(3);
        app.Gateway.Deliveries(key).ShouldBe(1);
        message.ExternalId.ShouldBe(app.Gateway.ExternalIdOf(key));
        message.Error.ShouldBeNull();
        outbox.Status.ShouldBe(OutboxStatus.Sent);
        outbox.Attempts.ShouldBe(3);
    }

    [Fact]
    public async Task ASendThatKeepsFailingEndsFailed_RetryResetsIt_AndTheNextDrainSendsIt()
    {
        var (org, messageId) = await QueuedMessageAsync();
        var key = FakeChannelGateway.KeyOf(messageId);
        var maxAttempts = 3; // InboxWebFactory: Outbox:MaxAttempts
        app.Gateway.FailNext(100);

        var (message, outbox) = await DrainUntilAsync(org.OrgId, messageId, m => m.Status == MessageStatus.Failed);
        app.Gateway.FailNext(0);

        app.Gateway.Calls(key).ShouldBe(maxAttempts);
        app.Gateway.Deliveries(key).ShouldBe(0);
        message.Error.ShouldNotBeNullOrEmpty();
        outbox.Status.ShouldBe(OutboxStatus.Failed);
        // Failed is final: a further drain does not touch it.
        await Task.Delay(20, Ct);
        (await app.Services.GetRequiredService<OutboxDispatcher>().DrainOrgAsync(org.OrgId, Ct)).ShouldBe(0);

        await using (var scope = SystemScope(org.OrgId))
        {
            await scope.ServiceProvider.GetRequiredService<ConversationService>().RetryAsync(messageId, Ct);
        }

        (message, _) = await StateAsync(org.OrgId, messageId);
        message.Status.ShouldBe(MessageStatus.Queued);

        (message, outbox) = await DrainUntilAsync(org.OrgId, messageId, m => m.Status == MessageStatus.Sent);
        app.Gateway.Deliveries(key).ShouldBe(1);
        message.ExternalId.ShouldBe(app.Gateway.ExternalIdOf(key));
        message.Error.ShouldBeNull();
        outbox.Status.ShouldBe(OutboxStatus.Sent);
    }

    // ---- 7. Acks ----

    [Fact]
    public async Task AcksMoveTheStatusForwardOnly()
    {
        var (org, messageId) = await QueuedMessageAsync();
        await app.Services.GetRequiredService<OutboxDispatcher>().DrainOrgAsync(org.OrgId, Ct);
        var (message, _) = await StateAsync(org.OrgId, messageId);
        message.Status.ShouldBe(MessageStatus.Sent);
        var statuses = app.Services.GetRequiredService<MessageStatusService>();

        (await statuses.AckAsync(org.OrgId, message.ChannelId, message.ExternalId!, MessageStatus.Read, ct: Ct)).ShouldBeTrue();
        (await statuses.AckAsync(org.OrgId, message.ChannelId, message.ExternalId!, MessageStatus.Delivered, ct: Ct)).ShouldBeFalse();
        (await statuses.AckAsync(org.OrgId, message.ChannelId, message.ExternalId!, MessageStatus.Sent, ct: Ct)).ShouldBeFalse();

        (message, _) = await StateAsync(org.OrgId, messageId);
        message.Status.ShouldBe(MessageStatus.Read);
    }

    [Fact]
    public async Task AnAckFromAnotherOrganisationDoesNotTouchTheMessage()
    {
        var (org, messageId) = await QueuedMessageAsync();
        await app.Services.GetRequiredService<OutboxDispatcher>().DrainOrgAsync(org.OrgId, Ct);
        var (message, _) = await StateAsync(org.OrgId, messageId);
        var other = await app.CreateOrgAsync();

        (await app.Services.GetRequiredService<MessageStatusService>()
            .AckAsync(other.OrgId, message.ChannelId, message.ExternalId!, MessageStatus.Read, ct: Ct)).ShouldBeFalse();

        (message, _) = await StateAsync(org.OrgId, messageId);
        message.Status.ShouldBe(MessageStatus.Sent);
    }

    // ---- 8. Push ----

    [Fact]
    public async Task APushReachesOnlyTheOrganisationOfTheChange()
    {
        var (orgA, channelA) = await OrgWithChannelAsync();
        var orgB = await app.CreateOrgAsync();
        var notifier = app.Services.GetRequiredService<ChangeNotifier>();
        var seenA = new ConcurrentQueue<ChangeEvent>();
        var seenB = new ConcurrentQueue<ChangeEvent>();
        var gotMessage = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subA = notifier.Subscribe(orgA.OrgId, change =>
        {
            seenA.Enqueue(change);
            if (change.Entity == "message")
            {
                gotMessage.TrySetResult();
            }

            return Task.CompletedTask;
        });
        using var subB = notifier.Subscribe(orgB.OrgId, change =>
        {
            seenB.Enqueue(change);
            return Task.CompletedTask;
        });

        var result = await app.Services.GetRequiredService<InboundPipeline>()
            .ReceiveAsync(orgA.OrgId, Inbound(channelA, "push-" + Guid.NewGuid().ToString("N"), RandomPhone()[1..] + "@c.us", "Привет"), Ct);
        result.Outcome.ShouldBe(InboundOutcome.Stored, result.Error);

        await gotMessage.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        seenA.ShouldContain(c => c.Entity == "message" && c.EntityId == result.MessageId);
        seenA.ShouldAllBe(c => c.OrgId == orgA.OrgId);
        await Task.Delay(500, Ct);
        // B may still hear its own sign-up (funnel stages seeded just before) — but nothing of A's, and no message.
        seenB.ShouldAllBe(c => c.OrgId == orgB.OrgId);
        seenB.ShouldNotContain(c => c.Entity == "message" || c.EntityId == result.MessageId || c.EntityId == result.ConversationId);
    }

    // ---- 9. REST ----

    [Fact]
    public async Task RestListsOnlyTheOrganisationsChats_TakeoverTwiceIs200Then409_SendingWithoutHoldingIs409()
    {
        var (orgA, channelA) = await OrgWithChannelAsync();
        var conversationId = await InboundConversationAsync(orgA.OrgId, channelA);
        var orgB = await app.CreateOrgAsync();
        var first = await app.CreateUserAsync(orgA, OrgRole.Operator);
        var second = await app.CreateUserAsync(orgA, OrgRole.Operator);
        using var clientFirst = await app.CreateBearerClientAsync(first);
        using var clientSecond = await app.CreateBearerClientAsync(second);
        using var clientB = await app.CreateBearerClientAsync(orgB);

        using (var list = await clientFirst.GetAsync("/api/v1/conversations", Ct))
        {
            list.StatusCode.ShouldBe(HttpStatusCode.OK, await list.Content.ReadAsStringAsync(Ct));
            var ids = await ItemIdsAsync(list);
            ids.ShouldBe([conversationId]);
        }

        using (var list = await clientB.GetAsync("/api/v1/conversations", Ct))
        {
            list.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await ItemIdsAsync(list)).ShouldBeEmpty();
        }

        using (var get = await clientB.GetAsync($"/api/v1/conversations/{conversationId}", Ct))
        {
            await get.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        }

        using (var take = await clientFirst.PostAsync($"/api/v1/conversations/{conversationId}/takeover", null, Ct))
        {
            take.StatusCode.ShouldBe(HttpStatusCode.OK, await take.Content.ReadAsStringAsync(Ct));
        }

        using (var take = await clientSecond.PostAsync($"/api/v1/conversations/{conversationId}/takeover", null, Ct))
        {
            await take.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        }

        using (var send = await clientSecond.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { text = "Не мой чат" }, Ct))
        {
            await send.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        }

        using (var send = await clientB.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { text = "Чужая организация" }, Ct))
        {
            send.IsSuccessStatusCode.ShouldBeFalse();
        }

        using (var send = await clientFirst.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { text = "Мой чат" }, Ct))
        {
            send.StatusCode.ShouldBe(HttpStatusCode.Created, await send.Content.ReadAsStringAsync(Ct));
        }

        await using var db = await DbAsync(orgA.OrgId);
        (await db.Messages.CountAsync(m => m.ConversationId == conversationId && m.Direction == MessageDirection.Outbound, Ct)).ShouldBe(1);
    }

    // ---- helpers ----

    private async Task<(TestAccount Org, Guid ChannelId)> OrgWithChannelAsync()
    {
        var org = await app.CreateOrgAsync();
        await using var scope = SystemScope(org.OrgId);
        var channel = await scope.ServiceProvider.GetRequiredService<ChannelService>().CreateAsync("Песочница", ChannelMode.Sandbox, ct: Ct);
        return (org, channel.Id);
    }

    private async Task<Guid> InboundConversationAsync(Guid orgId, Guid channelId)
    {
        var result = await app.Services.GetRequiredService<InboundPipeline>()
            .ReceiveAsync(orgId, Inbound(channelId, "in-" + Guid.NewGuid().ToString("N"), RandomPhone()[1..] + "@c.us", "Здравствуйте"), Ct);
        result.Outcome.ShouldBe(InboundOutcome.Stored, result.Error);
        return result.ConversationId!.Value;
    }

    /// <summary>An organisation with a chat held by an operator who has sent one message (queued, not yet sent).</summary>
    private async Task<(TestAccount Org, Guid MessageId)> QueuedMessageAsync()
    {
        var (org, channelId) = await OrgWithChannelAsync();
        var conversationId = await InboundConversationAsync(org.OrgId, channelId);
        await using var scope = UserScope(org);
        var service = scope.ServiceProvider.GetRequiredService<ConversationService>();
        await service.TakeOverAsync(conversationId, ct: Ct);
        var message = await service.SendAsync(conversationId, "Сообщение " + Guid.NewGuid().ToString("N")[..6], Ct);
        return (org, message.Id);
    }

    private async Task<(Message Message, OutboxEntry Outbox)> DrainUntilAsync(Guid orgId, Guid messageId, Func<Message, bool> done)
    {
        var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            await dispatcher.DrainOrgAsync(orgId, Ct);
            var state = await StateAsync(orgId, messageId);
            if (done(state.Message))
            {
                return state;
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, $"message still {state.Message.Status}, outbox {state.Outbox.Status} after {state.Outbox.Attempts} attempts");
            await Task.Delay(20, Ct);
        }
    }

    private async Task<(Message Message, OutboxEntry Outbox)> StateAsync(Guid orgId, Guid messageId)
    {
        await using var db = await DbAsync(orgId);
        var message = await db.Messages.AsNoTracking().SingleAsync(m => m.Id == messageId, Ct);
        var outbox = await db.Outbox.AsNoTracking().SingleAsync(o => o.MessageId == messageId, Ct);
        return (message, outbox);
    }

    private static async Task<List<Guid>> ItemIdsAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return [.. document.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid())];
    }

    private AsyncServiceScope SystemScope(Guid orgId)
    {
        var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId);
        return scope;
    }

    private AsyncServiceScope UserScope(TestAccount account)
    {
        var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetUser(account.OrgId, account.UserId, account.Role, account.Role + " Тестов");
        return scope;
    }

    /// <summary>A context of the organisation (RLS applies), alive as long as the returned handle.</summary>
    private async Task<ScopedDb> DbAsync(Guid orgId)
    {
        var scope = SystemScope(orgId);
        var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync(Ct);
        return new ScopedDb(scope, db);
    }

    // Kyrgyz mobile prefixes that libphonenumber accepts (not every 5xx–7xx is a real range).
    private static readonly string[] MobilePrefixes = ["555", "550", "700", "707", "772"];

    private static string RandomPhone() =>
        "+996" + MobilePrefixes[Random.Shared.Next(MobilePrefixes.Length)] + Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static InboundMessage Inbound(Guid channelId, string externalId, string chatId, string text, string? senderPhone = null, string? senderName = null) =>
        new()
        {
            ChannelId = channelId, ExternalId = externalId, ChatId = chatId, Text = text, SenderPhone = senderPhone, SenderName = senderName,
            SentAt = DateTimeOffset.UtcNow,
        };

    private sealed class ScopedDb(AsyncServiceScope scope, SoulKgDbContext db) : IAsyncDisposable
    {
        public DbSet<Client> Clients => db.Clients;
        public DbSet<ClientContact> ClientContacts => db.ClientContacts;
        public DbSet<Conversation> Conversations => db.Conversations;
        public DbSet<Message> Messages => db.Messages;
        public DbSet<OutboxEntry> Outbox => db.Outbox;
        public DbSet<InboundEnvelope> InboundEnvelopes => db.InboundEnvelopes;
        public DbSet<HolderChange> HolderChanges => db.HolderChanges;

        public Task<int> SaveChangesAsync(CancellationToken ct) => db.SaveChangesAsync(ct);

        public async ValueTask DisposeAsync()
        {
            await db.DisposeAsync();
            await scope.DisposeAsync();
        }
    }
}
