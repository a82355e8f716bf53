using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using SoulKg.Domain.Auditing;
using SoulKg.Domain.Catalog;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Partners;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Identity;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Data;

/// <summary>
/// The one EF context of the app. Tenant-owned entities get the named query filter <see cref="OrgFilter"/>;
/// PostgreSQL row-level security enforces the same rule underneath (see the migrations).
/// </summary>
/// <remarks>
/// Add a migration with:
/// <c>dotnet ef migrations add &lt;Name&gt; -p SoulKg.Infrastructure -s SoulKg.Infrastructure -o Data/Migrations</c>.
/// Every new table with <c>org_id</c> must call <c>migrationBuilder.EnableOrgIsolation("table")</c>; a test
/// reads the catalogue and fails otherwise.
/// </remarks>
public class SoulKgDbContext(DbContextOptions<SoulKgDbContext> options, OrgContext org)
    : IdentityUserContext<ApplicationUser, Guid>(options)
{
    public const string OrgFilter = "Org";

    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<Client> Clients => Set<Client>();
    public DbSet<ClientContact> ClientContacts => Set<ClientContact>();
    public DbSet<TimelineEvent> TimelineEvents => Set<TimelineEvent>();
    public DbSet<FunnelStage> FunnelStages => Set<FunnelStage>();
    public DbSet<LostReason> LostReasons => Set<LostReason>();
    public DbSet<Deal> Deals => Set<Deal>();
    public DbSet<DealStageChange> DealStageChanges => Set<DealStageChange>();
    public DbSet<Tour> Tours => Set<Tour>();
    public DbSet<Departure> Departures => Set<Departure>();
    public DbSet<DepartureBooking> DepartureBookings => Set<DepartureBooking>();
    public DbSet<Partner> Partners => Set<Partner>();
    public DbSet<DealPartner> DealPartners => Set<DealPartner>();
    public DbSet<Realtime.ChangeLogEntry> ChangeLog => Set<Realtime.ChangeLogEntry>();
    public DbSet<Channel> Channels => Set<Channel>();
    public DbSet<ChannelEvent> ChannelEvents => Set<ChannelEvent>();
    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<HolderChange> HolderChanges => Set<HolderChange>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<OutboxEntry> Outbox => Set<OutboxEntry>();
    public DbSet<InboundEnvelope> InboundEnvelopes => Set<InboundEnvelope>();
    public DbSet<CannedReply> CannedReplies => Set<CannedReply>();
    public DbSet<OrgRegistryEntry> OrgRegistry => Set<OrgRegistryEntry>();
    public DbSet<Realtime.OrgChangeCounter> ChangeCounters => Set<Realtime.OrgChangeCounter>();
    public DbSet<Domain.FollowUps.FollowUp> FollowUps => Set<Domain.FollowUps.FollowUp>();
    public DbSet<Domain.FollowUps.FollowUpSettings> FollowUpSettings => Set<Domain.FollowUps.FollowUpSettings>();
    public DbSet<Domain.Agents.AgentConfig> AgentConfigs => Set<Domain.Agents.AgentConfig>();
    public DbSet<Domain.Agents.AgentConfigVersion> AgentConfigVersions => Set<Domain.Agents.AgentConfigVersion>();
    public DbSet<Domain.Agents.AgentRun> AgentRuns => Set<Domain.Agents.AgentRun>();

    internal OrgContext Org => org;

    /// <summary>Read by the query filters on every query (EF parameterises context members).</summary>
    private Guid CurrentOrgId => org.OrgId ?? Guid.Empty;

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<ApplicationUser>().ToTable("users");
        builder.Entity<Microsoft.AspNetCore.Identity.IdentityUserClaim<Guid>>().ToTable("user_claims");
        builder.Entity<Microsoft.AspNetCore.Identity.IdentityUserLogin<Guid>>().ToTable("user_logins");
        builder.Entity<Microsoft.AspNetCore.Identity.IdentityUserToken<Guid>>().ToTable("user_tokens");
        builder.ApplyConfigurationsFromAssembly(typeof(SoulKgDbContext).Assembly);

        foreach (var entity in builder.Model.GetEntityTypes())
        {
            if (typeof(IOrgOwned).IsAssignableFrom(entity.ClrType) && entity.BaseType is null)
            {
                GetType().GetMethod(nameof(ApplyOrgFilter), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                    .MakeGenericMethod(entity.ClrType)
                    .Invoke(this, [builder]);
            }
        }
    }

    private void ApplyOrgFilter<T>(ModelBuilder builder) where T : class, IOrgOwned =>
        builder.Entity<T>().HasQueryFilter(OrgFilter, e => e.OrgId == CurrentOrgId);
}
