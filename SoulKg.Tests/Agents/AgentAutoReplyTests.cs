using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SoulKg.Domain.Conversations;
using SoulKg.Infrastructure.Agents;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Tests.Agents;

/// <summary>In production the inbound pipeline starts the agent in the background: ingest returns at once, the reply follows.</summary>
public sealed class AgentAutoReplyTests(AutoReplyAgentsWebFactory app) : IClassFixture<AutoReplyAgentsWebFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnInboundMessageInAnAgentChatGetsOneReplyFromTheBackground()
    {
        var org = await app.CreateOrgAsync();
        Guid channelId;
        await using (var scope = Scope(org.OrgId))
        {
            channelId = (await scope.ServiceProvider.GetRequiredService<ChannelService>().CreateAsync("Песочница", ChannelMode.Sandbox, ct: Ct)).Id;
        }

        var pipeline = app.Services.GetRequiredService<InboundPipeline>();
        var chat = "996700" + Random.Shared.Next(100_000, 999_999) + "@c.us";
        var first = await pipeline.ReceiveAsync(org.OrgId, Message(channelId, chat, "Здравствуйте!"), Ct);
        var second = await pipeline.ReceiveAsync(org.OrgId, Message(channelId, chat, "хотим в июле на Иссык-Куль"), Ct);
        first.Outcome.ShouldBe(InboundOutcome.Stored);
        second.Outcome.ShouldBe(InboundOutcome.Stored);

        await app.Services.GetRequiredService<AgentWorker>().WaitIdleAsync(Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        await using var db = await DbAsync(org.OrgId);
        var replies = await db.Messages.AsNoTracking().Where(m => m.ConversationId == first.ConversationId && m.Author == MessageAuthor.Agent).ToListAsync(Ct);
        replies.ShouldNotBeEmpty();
        replies.Count.ShouldBeLessThanOrEqualTo(2);
        replies.ShouldAllBe(r => r.AgentRunId != null);
        (await db.AgentRuns.CountAsync(r => r.ConversationId == first.ConversationId, Ct)).ShouldBe(replies.Count);
    }

    [Fact]
    public async Task AfterARestartTheUnansweredClientMessageIsAnsweredOnceAndAnsweredChatsAreLeftAlone()
    {
        var org = await app.CreateOrgAsync();
        Guid channelId;
        await using (var scope = Scope(org.OrgId))
        {
            channelId = (await scope.ServiceProvider.GetRequiredService<ChannelService>().CreateAsync("Песочница", ChannelMode.Sandbox, ct: Ct)).Id;
        }

        var pipeline = app.Services.GetRequiredService<InboundPipeline>();
        var worker = app.Services.GetRequiredService<AgentWorker>();
        var answered = await pipeline.ReceiveAsync(org.OrgId, Message(channelId, "996700" + Random.Shared.Next(100_000, 999_999) + "@c.us", "Здравствуйте!"), Ct);
        var stranded = await pipeline.ReceiveAsync(org.OrgId, Message(channelId, "996701" + Random.Shared.Next(100_000, 999_999) + "@c.us", "Здравствуйте!"), Ct);
        await worker.WaitIdleAsync(Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        // The app "stopped" after storing this client message and before the agent ran: written past the pipeline.
        var now = DateTimeOffset.UtcNow;
        await using (var db = await DbAsync(org.OrgId))
        {
            db.Messages.Add(new SoulKg.Domain.Conversations.Message
            {
                OrgId = org.OrgId, ConversationId = stranded.ConversationId!.Value, ChannelId = channelId, Direction = MessageDirection.Inbound,
                Author = MessageAuthor.Client, Text = "Нас 4 взрослых, в июле", Status = MessageStatus.Delivered, SentAt = now, CreatedAt = now,
            });
            var conversation = await db.Conversations.SingleAsync(c => c.Id == stranded.ConversationId, Ct);
            conversation.LastInboundAt = now;
            conversation.LastMessageAt = now;
            await db.SaveChangesAsync(Ct);
        }

        (await worker.CatchUpAsync(Ct)).ShouldBeGreaterThanOrEqualTo(1);
        await worker.WaitIdleAsync(Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        await using var check = await DbAsync(org.OrgId);
        (await check.Messages.CountAsync(m => m.ConversationId == answered.ConversationId && m.Author == MessageAuthor.Agent, Ct)).ShouldBe(1);
        var replies = await check.Messages.AsNoTracking()
            .Where(m => m.ConversationId == stranded.ConversationId && m.Author == MessageAuthor.Agent).OrderBy(m => m.SentAt).ToListAsync(Ct);
        replies.Count.ShouldBe(2);
        replies[1].SentAt.ShouldBeGreaterThanOrEqualTo(now);
    }

    private static InboundMessage Message(Guid channelId, string chat, string text) => new()
    {
        ChannelId = channelId, ExternalId = Guid.NewGuid().ToString("N"), ChatId = chat, Text = text, SentAt = DateTimeOffset.UtcNow,
    };

    private AsyncServiceScope Scope(Guid orgId)
    {
        var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId);
        return scope;
    }

    private async Task<SoulKgDbContext> DbAsync(Guid orgId) =>
        await Scope(orgId).ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync(Ct);
}
