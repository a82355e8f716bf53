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
