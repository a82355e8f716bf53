using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Identity;

namespace SoulKg.Web.Infrastructure.Auth;

public sealed record TokenPair(string AccessToken, DateTimeOffset ExpiresAt, string RefreshToken, DateTimeOffset RefreshExpiresAt, string TokenType = "Bearer");

/// <summary>Issues short-lived access tokens and rotating refresh tokens for the API.</summary>
public sealed class TokenService(
    IOptions<JwtOptions> options,
    SigningKeyProvider keys,
    IUserClaimsPrincipalFactory<ApplicationUser> principals,
    SoulKgDbContext db,
    TimeProvider clock)
{
    public async Task<TokenPair> IssueAsync(ApplicationUser user, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var settings = options.Value;
        var principal = await principals.CreateAsync(user);
        var claims = principal.Claims
            .Where(c => c.Type is ClaimTypes.NameIdentifier or ClaimTypes.Name or ClaimTypes.Role or SoulKgClaims.OrgId
                or SoulKgClaims.OrgName or SoulKgClaims.DisplayName or SoulKgClaims.Culture or SoulKgClaims.SecurityStamp)
            .Append(new Claim("amr", "api"))
            .Append(new Claim(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")));
        var expires = now.AddMinutes(settings.AccessTokenMinutes);
        var jwt = new JwtSecurityToken(
            settings.Issuer,
            settings.Audience,
            claims,
            notBefore: now.UtcDateTime,
            expires: expires.UtcDateTime,
            signingCredentials: new SigningCredentials(keys.Key, SecurityAlgorithms.HmacSha256));

        var refresh = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        var refreshExpires = now.AddDays(settings.RefreshTokenDays);
        db.RefreshTokens.Add(new RefreshToken { UserId = user.Id, TokenHash = Hash(refresh), CreatedAt = now, ExpiresAt = refreshExpires });
        await db.SaveChangesAsync(cancellationToken);

        return new TokenPair(new JwtSecurityTokenHandler().WriteToken(jwt), expires, refresh, refreshExpires);
    }

    /// <summary>Exchanges a refresh token for a new pair; the old one is revoked. A reused (revoked) token revokes them all.</summary>
    public async Task<RefreshToken?> RedeemAsync(string refreshToken, CancellationToken cancellationToken = default)
    {
        var hash = Hash(refreshToken);
        var stored = await db.RefreshTokens.FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        var now = clock.GetUtcNow();
        if (stored is null)
        {
            return null;
        }

        if (stored.RevokedAt is not null)
        {
            await db.RefreshTokens.Where(t => t.UserId == stored.UserId && t.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
            return null;
        }

        if (stored.ExpiresAt <= now)
        {
            return null;
        }

        // Claim the token atomically: of concurrent requests with the same token only one wins; the others count as reuse.
        var claimed = await db.RefreshTokens.Where(t => t.Id == stored.Id && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
        if (claimed == 0)
        {
            await RevokeAllAsync(stored.UserId, cancellationToken);
            return null;
        }

        return stored;
    }

    public Task RevokeAllAsync(Guid userId, CancellationToken cancellationToken = default) =>
        db.RefreshTokens.Where(t => t.UserId == userId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, clock.GetUtcNow()), cancellationToken);

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
