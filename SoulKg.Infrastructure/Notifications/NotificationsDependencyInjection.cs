using SoulKg.Domain.Notifications;
using SoulKg.Infrastructure.Notifications;

namespace Microsoft.Extensions.DependencyInjection;

public static class NotificationsDependencyInjection
{
    /// <summary>The notification centre: the notifier every producer calls, and the per-user service behind the bell and the API.</summary>
    public static IServiceCollection AddSoulKgNotifications(this IServiceCollection services)
    {
        services.AddSingleton<INotifier, DbNotifier>();
        services.AddScoped<NotificationService>();
        return services;
    }
}
