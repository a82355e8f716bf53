using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace SoulKg.Web.Infrastructure.Auth;

/// <summary>
/// The key that signs API access tokens: <c>Jwt:SigningKey</c> when set, else a random key kept in
/// <c>{SoulKg:DataPath}/jwt-signing.key</c> so that restarts and instances sharing the folder accept each other's tokens.
/// </summary>
public sealed class SigningKeyProvider(IOptions<JwtOptions> options, IConfiguration configuration)
{
    private readonly Lazy<SymmetricSecurityKey> _key = new(() => Load(options.Value, configuration));

    public SymmetricSecurityKey Key => _key.Value;

    private static SymmetricSecurityKey Load(JwtOptions options, IConfiguration configuration)
    {
        if (!string.IsNullOrWhiteSpace(options.SigningKey))
        {
            var bytes = Encoding.UTF8.GetBytes(options.SigningKey);
            if (bytes.Length < 32)
            {
                throw new InvalidOperationException("Jwt:SigningKey must be at least 32 bytes long.");
            }

            return new SymmetricSecurityKey(bytes);
        }

        var folder = DataPath.Get(configuration);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "jwt-signing.key");
        if (!File.Exists(path))
        {
            var fresh = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
            try
            {
                using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                stream.Write(Encoding.ASCII.GetBytes(fresh));
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another instance wrote it first; use theirs.
            }
        }

        return new SymmetricSecurityKey(Convert.FromBase64String(File.ReadAllText(path).Trim()));
    }
}
