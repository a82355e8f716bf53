using SoulKg.Domain;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Demo;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Web.Features.Inbox.Dev;

/// <summary>A client message to inject; the demo organisation and its first sandbox channel when not given.</summary>
public sealed record DevInbound(string Text, string? Phone, string? Name, Guid? OrgId, Guid? ChannelId);

public sealed record DevAgentReply(string Text, Guid? OrgId);

/// <summary>
/// DEVELOPMENT ONLY. Switched on by <c>Inbox:EchoGateway=true</c> in the Development environment, never otherwise: the
/// echo gateway, and endpoints to inject a client message or have "the agent" ask for a person, for manual checks and E2E.
/// </summary>
public static class InboxDevTools
{
    public static bool Enabled(IConfiguration configuration, IHostEnvironment environment) =>
        environment.IsDevelopment() && configuration.GetValue("Inbox:EchoGateway", false);

    public static IServiceCollection AddInboxDevTools(this IServiceCollection services) =>
        services.AddSingleton<IChannelGateway, DevEchoGateway>();

    public static void MapInboxDevTools(this IEndpointRouteBuilder app)
    {
        var dev = app.MapGroup("/dev").AllowAnonymous().ExcludeFromDescription();
        dev.MapPost("/inbound", InjectAsync);
        dev.MapPost("/conversations/{id:guid}/request-human", RequestHumanAsync);
        dev.MapPost("/conversations/{id:guid}/agent-reply", AgentReplyAsync);
        dev.MapPost("/return-idle", ReturnIdleAsync);
    }

    private static async Task<IResult> InjectAsync(DevInbound body, IServiceScopeFactory scopes, InboundPipeline inbound, TimeProvider clock, CancellationToken ct)
    {
        var orgId = body.OrgId ?? DemoSeeder.DemoOrgId;
        var channelId = body.ChannelId;
        if (channelId is null)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId, ActorType.System, "dev");
            channelId = (await scope.ServiceProvider.GetRequiredService<ChannelService>().ListAsync(ct)).FirstOrDefault(c => c.Mode == ChannelMode.Sandbox)?.Id;
        }

        if (channelId is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No sandbox channel in this organisation");
        }

        var digits = Phones.DigitsOf(body.Phone ?? "996555123456");
        var result = await inbound.ReceiveAsync(orgId, new InboundMessage
        {
            ChannelId = channelId.Value, ExternalId = "dev_" + Guid.NewGuid().ToString("N"), ChatId = digits + "@c.us", SenderPhone = "+" + digits,
            SenderName = body.Name, Text = body.Text, SentAt = clock.GetUtcNow(),
        }, ct);
        return TypedResults.Ok(result);
    }

    private static async Task<IResult> RequestHumanAsync(Guid id, Guid? orgId, IServiceScopeFactory scopes, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId ?? DemoSeeder.DemoOrgId, ActorType.Agent, "Агент (dev)");
        var conversation = await scope.ServiceProvider.GetRequiredService<ConversationService>()
            .RequestHumanAsync(id, "Клиент просит живого менеджера", ct);
        return TypedResults.Ok(conversation);
    }

    /// <summary>Stands in for the agent (which lands with the agents issue): a reply with a made-up run id, dropped if a person holds the chat.</summary>
    private static async Task<IResult> AgentReplyAsync(Guid id, DevAgentReply body, IServiceScopeFactory scopes, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(body.OrgId ?? DemoSeeder.DemoOrgId, ActorType.Agent, "Агент (dev)");
        var message = await scope.ServiceProvider.GetRequiredService<ConversationService>()
            .EnqueueAgentReplyAsync(id, body.Text, Guid.CreateVersion7(), "Айдана · ИИ-агент", ct);
        return message is null ? TypedResults.Conflict() : TypedResults.Ok(message);
    }

    /// <summary>Runs the "operator went quiet" rule now (its Quartz job and org setting land with the agents issue).</summary>
    private static async Task<IResult> ReturnIdleAsync(double minutes, Guid? orgId, IServiceScopeFactory scopes, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId ?? DemoSeeder.DemoOrgId, ActorType.System, "idle-return");
        var returned = await scope.ServiceProvider.GetRequiredService<ConversationService>().ReturnIdleChatsAsync(TimeSpan.FromMinutes(minutes), ct);
        return TypedResults.Ok(new { returned });
    }
}
