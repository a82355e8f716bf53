namespace SoulKg.Domain.Tenancy;

/// <summary>Roles in an organisation, from most to least powerful.</summary>
public enum OrgRole
{
    Owner = 0,
    Admin = 1,
    Manager = 2,
    Sales = 3,
    Operator = 4,
}
