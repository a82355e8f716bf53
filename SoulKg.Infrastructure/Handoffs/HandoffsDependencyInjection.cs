using Microsoft.Extensions.Configuration;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Handoffs;

namespace Microsoft.Extensions.DependencyInjection;

public static class HandoffsDependencyInjection
{
    /// <summary>Partner handoff: the service, the responder (link, WhatsApp "да"/"нет"), and the SLA sweeper (<c>Handoffs:Sweep</c>, on by default).</summary>
    public static IServiceCollection AddSoulKgHandoffs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<HandoffService>();
        services.AddSingleton<HandoffResponder>();
        services.AddSingleton<IPartnerReplyReaction>(sp => sp.GetRequiredService<HandoffResponder>());
        services.AddSingleton<HandoffSlaService>();
        if (configuration.GetValue("Handoffs:Sweep", true))
        {
            services.AddHostedService<HandoffSweeper>();
        }

        return services;
    }
}
