using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Web.Infrastructure.Auth;

/// <summary>
/// A Blazor circuit has its own DI scope, not the HTTP request's: fill its <see cref="OrgContext"/> from the
/// circuit's authentication state when it opens and whenever that state changes.
/// </summary>
public sealed class OrgCircuitHandler(AuthenticationStateProvider authentication, OrgContext org) : CircuitHandler, IDisposable
{
    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        authentication.AuthenticationStateChanged += OnChanged;
        Apply(await authentication.GetAuthenticationStateAsync());
    }

    private void OnChanged(Task<AuthenticationState> state) =>
        _ = state.ContinueWith(t => Apply(t.Result), TaskScheduler.Default);

    private void Apply(AuthenticationState state)
    {
        org.Clear();
        OrgPrincipal.Apply(state.User, org);
    }

    public void Dispose() => authentication.AuthenticationStateChanged -= OnChanged;
}
