using System.Security.Cryptography;
using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;

namespace SoulKg.Web.Features.Clients.Shared;

/// <summary>The columns a person hid in a grid, kept in their browser under a key per grid and user.</summary>
public sealed class HiddenColumns(ProtectedLocalStorage storage, string grid)
{
    private HashSet<string> _hidden = [];
    private string? _key;

    public bool Contains(string column) => _hidden.Contains(column);

    /// <summary>Reads the saved choice (after the first render: browser storage needs the circuit). Returns whether any was saved.</summary>
    public async Task<bool> LoadAsync(string? userId)
    {
        _key = $"{grid}.columns.{userId}";
        try
        {
            var saved = await storage.GetAsync<string[]>(_key);
            if (saved is { Success: true, Value: { } columns })
            {
                _hidden = [.. columns];
                return true;
            }
        }
        catch (CryptographicException)
        {
            // Saved under another data-protection key (e.g. a new server): start from the default columns.
        }

        return false;
    }

    public async Task SetAsync(string column, bool hidden)
    {
        if (hidden ? !_hidden.Add(column) : !_hidden.Remove(column))
        {
            return;
        }

        if (_key is not null)
        {
            await storage.SetAsync(_key, _hidden.ToArray());
        }
    }
}
