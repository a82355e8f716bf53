using Microsoft.Extensions.Configuration;
using SoulKg.Domain.Conversations;
using SoulKg.Infrastructure.WhatsApp;
using SoulKg.Infrastructure.WhatsApp.Sandbox;

namespace Microsoft.Extensions.DependencyInjection;

public static class WhatsAppServiceCollectionExtensions
{
    /// <summary>The WhatsApp host, its gateway for the outbox, and the sandbox (which refuses to work unless enabled).</summary>
    public static IServiceCollection AddSoulKgWhatsApp(this IServiceCollection services, IConfiguration configuration)
    {
        var dataPath = configuration["SoulKg:DataPath"] is { Length: > 0 } data ? data : Path.Combine(AppContext.BaseDirectory, "data");
        services.AddOptions<WhatsAppOptions>().BindConfiguration(WhatsAppOptions.Section)
            .PostConfigure(o => o.ProfilesPath = Path.GetFullPath(o.ProfilesPath is { Length: > 0 } configured ? configured : Path.Combine(dataPath, "whatsapp")));
        services.AddSingleton<ChannelStateStore>();
        services.AddSingleton<SandboxServer>();
        services.AddSingleton<WhatsAppHost>();
        services.AddHostedService(sp => sp.GetRequiredService<WhatsAppHost>());
        services.AddSingleton<IChannelGateway, WhatsAppGateway>();
        return services;
    }
}
