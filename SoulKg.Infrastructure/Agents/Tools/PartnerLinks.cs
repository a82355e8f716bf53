using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace SoulKg.Infrastructure.Agents.Tools;

/// <summary>
/// Where the one-time links in an agent's partner cards point. A run has no request to take the host from, so it is
/// <c>Handoffs:PublicBaseUrl</c> (the setting staff links use too), else the app's own listening address.
/// </summary>
public sealed class PartnerLinks(IConfiguration configuration, IServiceProvider services)
{
    public string Base()
    {
        if (configuration["Handoffs:PublicBaseUrl"] is { Length: > 0 } configured)
        {
            return configured.TrimEnd('/');
        }

        var address = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null || !Uri.TryCreate(address.Replace("://+", "://localhost").Replace("://*", "://localhost"), UriKind.Absolute, out var uri))
        {
            return "http://localhost";
        }

        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
        return new UriBuilder(uri) { Host = host }.Uri.GetLeftPart(UriPartial.Authority);
    }
}
