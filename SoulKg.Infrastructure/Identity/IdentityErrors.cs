using Microsoft.AspNetCore.Identity;

namespace SoulKg.Infrastructure.Identity;

/// <summary>Maps Identity's error codes to the field they concern, for problem details and forms.</summary>
public static class IdentityErrors
{
    public static Dictionary<string, string[]> ToDictionary(IdentityResult result) =>
        result.Errors
            .GroupBy(e => FieldOf(e.Code))
            .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray());

    public static string FieldOf(string code) =>
        code switch
        {
            _ when code.StartsWith("Password", StringComparison.Ordinal) => "password",
            _ when code.Contains("Email", StringComparison.Ordinal) => "email",
            _ when code.Contains("UserName", StringComparison.Ordinal) => "email",
            _ => "general",
        };
}
