using System.Security.Cryptography;
using System.Text;

namespace SoulKg.Infrastructure.Handoffs;

/// <summary>
/// One-time link tokens: the organisation's id (so the page can set it on the connection and stay under row-level
/// security) followed by 24 random bytes, base64url. Only the SHA-256 of the whole token is stored.
/// </summary>
public static class HandoffTokens
{
    private const int RandomBytes = 24;

    public static string Create(Guid orgId)
    {
        Span<byte> bytes = stackalloc byte[16 + RandomBytes];
        orgId.TryWriteBytes(bytes[..16]);
        RandomNumberGenerator.Fill(bytes[16..]);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static bool TryReadOrg(string? token, out Guid orgId)
    {
        orgId = Guid.Empty;
        if (token is null || token.Length != 54)
        {
            return false;
        }

        var padded = token.Replace('-', '+').Replace('_', '/') + "==";
        Span<byte> bytes = stackalloc byte[48];
        if (!Convert.TryFromBase64String(padded, bytes, out var written) || written != 16 + RandomBytes)
        {
            return false;
        }

        orgId = new Guid(bytes[..16]);
        return orgId != Guid.Empty;
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string Link(string linkBase, string token) => $"{linkBase.TrimEnd('/')}/p/{token}";
}
