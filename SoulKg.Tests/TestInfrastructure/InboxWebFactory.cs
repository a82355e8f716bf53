using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using SoulKg.Domain.Conversations;
using SoulKg.Infrastructure.Conversations;

namespace SoulKg.Tests.TestInfrastructure;

/// <summary>
/// The app with <see cref="FakeChannelGateway"/> as the sandbox adapter, no send pacing, tiny retry delays, and without
/// the background outbox dispatcher and inbound retry worker: tests drive them by calling them directly, so nothing
/// races a test. The change listener (LISTEN/NOTIFY) stays on.
/// </summary>
public sealed class InboxWebFactory : SoulKgWebFactory
{
    public FakeChannelGateway Gateway { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
    [
        new("Outbox:PaceSends", "false"),
        new("Outbox:MaxAttempts", "3"),
        new("Outbox:FirstRetryDelay", "00:00:00.001"),
        new("Outbox:SweepInterval", "01:00:00"),
        new("Inbox:EchoGateway", "false"),
        new("Agents:AutoReply", "false"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IChannelGateway>();
            services.AddSingleton<IChannelGateway>(Gateway);
            RemoveHostedServiceAfter<OutboxDispatcher>(services);
            RemoveHostedServiceAfter<InboundRetryWorker>(services);
        });
    }

    /// <summary>
    /// The workers are registered as a singleton followed by <c>AddHostedService(sp => sp.GetRequiredService&lt;T&gt;())</c>;
    /// a factory hides its type, so the hosted-service registration is the one right after the singleton's.
    /// </summary>
    private static void RemoveHostedServiceAfter<T>(IServiceCollection services)
    {
        var index = services.ToList().FindIndex(d => d.ServiceType == typeof(T));
        index.ShouldBeGreaterThanOrEqualTo(0, $"{typeof(T).Name} is not registered");
        var hosted = services[index + 1];
        hosted.ServiceType.ShouldBe(typeof(IHostedService), $"expected the hosted registration of {typeof(T).Name} right after it");
        hosted.ImplementationFactory.ShouldNotBeNull();
        services.RemoveAt(index + 1);
    }
}
