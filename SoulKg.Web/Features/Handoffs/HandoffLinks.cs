using Microsoft.AspNetCore.Components;

namespace SoulKg.Web.Features.Handoffs;

/// <summary>
/// Where partners' one-time links point: <c>Handoffs:PublicBaseUrl</c> when set (behind a proxy, or when the staff
/// use an internal address), otherwise the address the staff member is using.
/// </summary>
public sealed class HandoffLinks(IConfiguration configuration)
{
    public string Base(HttpRequest request) => Configured ?? $"{request.Scheme}://{request.Host}{request.PathBase}";

    public string Base(NavigationManager navigation) => Configured ?? navigation.BaseUri.TrimEnd('/');

    private string? Configured => configuration["Handoffs:PublicBaseUrl"] is { Length: > 0 } url ? url.TrimEnd('/') : null;
}
