using Microsoft.Extensions.Configuration;
using SoulKg.Domain.Agents;
using SoulKg.Infrastructure.Agents;
using SoulKg.Infrastructure.Agents.Offline;
using SoulKg.Infrastructure.Agents.Tools;
using SoulKg.Infrastructure.Conversations;

namespace Microsoft.Extensions.DependencyInjection;

public static class AgentsDependencyInjection
{
    /// <summary>The AI agents: runner, offline model, provider resolution, settings, run log and the background worker.</summary>
    public static IServiceCollection AddSoulKgAgents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AgentOptions>().Bind(configuration.GetSection(AgentOptions.Section));
        services.AddSingleton<OfflineChatModel>();
        services.AddSingleton<AgentChatModels>();
        services.AddSingleton<PartnerLinks>();
        services.AddSingleton<AgentRunner>();
        services.AddSingleton<IAgentRunner>(sp => sp.GetRequiredService<AgentRunner>());
        services.AddScoped<AgentConfigService>();
        services.AddScoped<AgentRunService>();
        services.AddSingleton<AgentWorker>();
        services.AddSingleton<IInboundReaction>(sp => sp.GetRequiredService<AgentWorker>());
        services.AddHostedService(sp => sp.GetRequiredService<AgentWorker>());
        return services;
    }
}
