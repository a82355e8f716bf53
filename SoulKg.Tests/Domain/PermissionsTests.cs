using System.Reflection;
using SoulKg.Domain.Tenancy;

namespace SoulKg.Tests.Domain;

public sealed class PermissionsTests
{
    public static TheoryData<OrgRole, string[]> Matrix => new()
    {
        { OrgRole.Owner, [.. Permissions.All] },
        { OrgRole.Admin, [.. Permissions.All] },
        { OrgRole.Manager, [Permissions.ManageCatalog, Permissions.ViewAudit, Permissions.ViewAnalytics, Permissions.WorkDeals, Permissions.WorkChats, Permissions.ImportData] },
        { OrgRole.Sales, [Permissions.WorkDeals, Permissions.WorkChats] },
        { OrgRole.Operator, [Permissions.WorkChats] },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public void EachRoleHasExactlyItsPermissions(OrgRole role, string[] expected)
    {
        Permissions.For(role).ShouldBe(expected, ignoreOrder: true);
        foreach (var permission in Permissions.All)
        {
            Permissions.Has(role, permission).ShouldBe(expected.Contains(permission), $"{role} / {permission}");
        }
    }

    [Fact]
    public void EveryRoleIsInTheMatrix()
    {
        foreach (var role in Enum.GetValues<OrgRole>())
        {
            Should.NotThrow(() => Permissions.For(role).ToList(), role.ToString());
        }
    }

    [Fact]
    public void AllListsEveryPermissionConstantOnce()
    {
        var constants = typeof(Permissions).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();

        Permissions.All.ShouldBe(constants, ignoreOrder: true);
        Permissions.All.Distinct().Count().ShouldBe(Permissions.All.Count);
    }

    [Fact]
    public void UnknownPermissionIsGrantedToNobody()
    {
        foreach (var role in Enum.GetValues<OrgRole>())
        {
            Permissions.Has(role, "everything").ShouldBeFalse();
        }
    }

    [Theory]
    [InlineData(OrgRole.Owner, OrgRole.Owner, true)]
    [InlineData(OrgRole.Owner, OrgRole.Admin, true)]
    [InlineData(OrgRole.Owner, OrgRole.Operator, true)]
    [InlineData(OrgRole.Admin, OrgRole.Owner, false)]
    [InlineData(OrgRole.Admin, OrgRole.Admin, true)]
    [InlineData(OrgRole.Admin, OrgRole.Sales, true)]
    [InlineData(OrgRole.Manager, OrgRole.Sales, false)]
    [InlineData(OrgRole.Sales, OrgRole.Operator, false)]
    [InlineData(OrgRole.Operator, OrgRole.Operator, false)]
    public void OnlyOwnersAssignOwnersAndAdminsAssignTheRest(OrgRole actor, OrgRole target, bool allowed) =>
        Permissions.CanAssign(actor, target).ShouldBe(allowed);
}
