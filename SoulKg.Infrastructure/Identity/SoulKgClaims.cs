namespace SoulKg.Infrastructure.Identity;

public static class SoulKgClaims
{
    public const string OrgId = "org_id";
    public const string OrgName = "org_name";
    public const string DisplayName = "display_name";
    public const string Culture = "culture";
    public const string SecurityStamp = "sst";
}
