using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Identity;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Demo;

/// <summary>
/// Creates the demo organisation "Soul KG" with one user per role. Idempotent: run it as often as you like.
/// The passwords are for local demos only (README); never run this against production.
/// </summary>
public sealed class DemoSeeder(
    SoulKgDbContext db,
    UserManager<ApplicationUser> users,
    OrgContext org,
    OrgProvisioner provisioner,
    TimeProvider clock,
    DemoCrmData crm,
    DemoConversations conversations,
    ILogger<DemoSeeder> logger)
{
    public static readonly Guid DemoOrgId = Guid.Parse("5011c000-0000-7000-8000-000000000001");
    public const string DemoPassword = "Demo123!";

    public static IReadOnlyList<(string Email, string Name, OrgRole Role)> DemoUsers { get; } =
    [
        ("owner@soulkg.demo", "Айбек Осмонов", OrgRole.Owner),
        ("admin@soulkg.demo", "Нурлан Абдыкадыров", OrgRole.Admin),
        ("manager@soulkg.demo", "Гульнара Мамытова", OrgRole.Manager),
        ("sales@soulkg.demo", "Айгерим Садыкова", OrgRole.Sales),
        ("operator@soulkg.demo", "Бекзат Жумабаев", OrgRole.Operator),
    ];

    public async Task SeedAsync(CancellationToken cancellationToken = default)
    {
        org.SetSystem(DemoOrgId, ActorType.System, "demo-seed");
        var organization = await db.Organizations.FirstOrDefaultAsync(o => o.Id == DemoOrgId, cancellationToken);
        if (organization is null)
        {
            organization = new Organization { Id = DemoOrgId, Name = "Soul KG", CreatedAt = clock.GetUtcNow() };
            db.Organizations.Add(organization);
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Created the demo organisation {Name}", organization.Name);
        }

        await provisioner.ProvisionAsync(db, organization, cancellationToken);

        foreach (var (email, name, role) in DemoUsers)
        {
            var user = await users.FindByEmailAsync(email);
            if (user is null)
            {
                user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = name, CreatedAt = clock.GetUtcNow() };
                var created = await users.CreateAsync(user, DemoPassword);
                if (!created.Succeeded)
                {
                    throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
                }
            }

            if (!await db.Memberships.AnyAsync(m => m.UserId == user.Id, cancellationToken))
            {
                db.Memberships.Add(new Membership { UserId = user.Id, Role = role, CreatedAt = clock.GetUtcNow() });
                await db.SaveChangesAsync(cancellationToken);
            }
        }

        var owner = await users.FindByEmailAsync(DemoUsers[0].Email);
        org.SetUser(DemoOrgId, owner!.Id, OrgRole.Owner, DemoUsers[0].Name, ActorType.System);
        await crm.SeedAsync(cancellationToken);
        await conversations.SeedAsync(DemoOrgId, cancellationToken);
        logger.LogInformation("Demo organisation ready: {Count} users", DemoUsers.Count);
    }
}
