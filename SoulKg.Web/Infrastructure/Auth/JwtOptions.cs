using System.ComponentModel.DataAnnotations;

namespace SoulKg.Web.Infrastructure.Auth;

public sealed class JwtOptions
{
    public const string Section = "Jwt";

    [Required]
    public string Issuer { get; set; } = "soulkg";

    [Required]
    public string Audience { get; set; } = "soulkg-api";

    /// <summary>HMAC-SHA256 key, at least 32 bytes. When empty, a key file under the data folder is made once and reused.</summary>
    public string? SigningKey { get; set; }

    [Range(1, 1440)]
    public int AccessTokenMinutes { get; set; } = 15;

    [Range(1, 365)]
    public int RefreshTokenDays { get; set; } = 14;
}
