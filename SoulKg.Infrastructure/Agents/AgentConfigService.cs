using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using SoulKg.Domain;
using SoulKg.Domain.Agents;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Agents;

public sealed record AgentConfigItem(AgentKind Kind, string Name, bool IsActive, string Provider, string Model, int CurrentVersion, DateTimeOffset UpdatedAt);

public sealed record AgentConfigDetails(AgentKind Kind, int CurrentVersion, AgentSettings Settings, DateTimeOffset UpdatedAt, uint Version);

public sealed record AgentVersionItem(int Number, IReadOnlyList<AgentSettingChange> Changes, string? Comment, string? AuthorName, DateTimeOffset CreatedAt);

/// <summary>
/// The agents' settings per organisation. Every save that changes something is a new numbered version with its diff;
/// a rollback is a new version that copies an old one, so the history only grows.
/// </summary>
public sealed class AgentConfigService(IDbContextFactory<SoulKgDbContext> factory, OrgContext org, TimeProvider clock, IOptions<AgentOptions> options)
{
    /// <summary>Gives an organisation its five agents (version 1 each) unless it has them; called when it is provisioned.</summary>
    public static async Task EnsureDefaultsAsync(SoulKgDbContext db, Guid orgId, DateTimeOffset now, CancellationToken ct)
    {
        var existing = await db.AgentConfigs.Where(c => c.OrgId == orgId).Select(c => c.Kind).ToListAsync(ct);
        foreach (var kind in Enum.GetValues<AgentKind>().Except(existing))
        {
            var settings = AgentDefaults.For(kind);
            var config = new AgentConfig { OrgId = orgId, Kind = kind, CurrentVersion = 1, Settings = settings, UpdatedAt = now };
            db.AgentConfigs.Add(config);
            db.AgentConfigVersions.Add(new AgentConfigVersion
            {
                OrgId = orgId, AgentConfigId = config.Id, Number = 1, Settings = settings, Changes = [.. settings.DiffFrom(null)],
                Comment = "Настройки по умолчанию", AuthorName = "SoulKG", CreatedAt = now,
            });
        }

        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<AgentConfigItem>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var configs = await db.AgentConfigs.AsNoTracking().ToListAsync(ct);
        if (configs.Count < Enum.GetValues<AgentKind>().Length)
        {
            // Organisations created before the agents existed get their defaults on first look.
            await EnsureDefaultsAsync(db, org.RequiredOrgId, clock.GetUtcNow(), ct);
            configs = await db.AgentConfigs.AsNoTracking().ToListAsync(ct);
        }

        return configs.OrderBy(c => c.Kind)
            .Select(c => new AgentConfigItem(c.Kind, c.Settings.Name, c.Settings.IsActive, c.Settings.Provider, c.Settings.Model, c.CurrentVersion, c.UpdatedAt))
            .ToList();
    }

    public async Task<AgentConfigDetails> GetAsync(AgentKind kind, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var config = await LoadAsync(db, kind, ct);
        return new AgentConfigDetails(config.Kind, config.CurrentVersion, config.Settings, config.UpdatedAt, config.Version);
    }

    /// <summary>Saves new settings as the next version; saving the same settings again changes nothing.</summary>
    public async Task<AgentConfigDetails> SaveAsync(AgentKind kind, AgentSettings settings, string? comment, uint? expectedVersion = null, CancellationToken ct = default)
    {
        Validate(settings);
        return await NewVersionAsync(kind, _ => settings, null, comment, expectedVersion, ct);
    }

    public async Task<AgentConfigDetails> RollbackAsync(AgentKind kind, int number, CancellationToken ct = default)
    {
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var config = await LoadAsync(db, kind, ct);
            if (!await db.AgentConfigVersions.AnyAsync(v => v.AgentConfigId == config.Id && v.Number == number, ct))
            {
                throw DomainException.NotFound("number", $"Версии {number} нет.");
            }
        }

        return await NewVersionAsync(kind, null, db => db.AgentConfigVersions.Where(v => v.Number == number), $"Откат к версии {number}", null, ct);
    }

    public async Task<IReadOnlyList<AgentVersionItem>> VersionsAsync(AgentKind kind, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var config = await LoadAsync(db, kind, ct);
        var versions = await db.AgentConfigVersions.AsNoTracking().Where(v => v.AgentConfigId == config.Id).OrderByDescending(v => v.Number).ToListAsync(ct);
        return versions.Select(v => new AgentVersionItem(v.Number, v.Changes, v.Comment, v.AuthorName, v.CreatedAt)).ToList();
    }

    public async Task<AgentSettings> VersionAsync(AgentKind kind, int number, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var config = await LoadAsync(db, kind, ct);
        var version = await db.AgentConfigVersions.AsNoTracking().FirstOrDefaultAsync(v => v.AgentConfigId == config.Id && v.Number == number, ct)
            ?? throw DomainException.NotFound("number", $"Версии {number} нет.");
        return version.Settings;
    }

    /// <summary>What would change from version <paramref name="from"/> to version <paramref name="to"/>.</summary>
    public async Task<IReadOnlyList<AgentSettingChange>> DiffAsync(AgentKind kind, int from, int to, CancellationToken ct = default) =>
        (await VersionAsync(kind, to, ct)).DiffFrom(await VersionAsync(kind, from, ct));

    public void Validate(AgentSettings settings)
    {
        var result = new AgentSettingsValidator().Validate(settings);
        if (!result.IsValid)
        {
            var error = result.Errors[0];
            throw DomainException.Invalid(char.ToLowerInvariant(error.PropertyName[0]) + error.PropertyName[1..], error.ErrorMessage);
        }

        if (!string.Equals(settings.Provider, AgentProviders.Offline, StringComparison.OrdinalIgnoreCase) && !options.Value.Providers.ContainsKey(settings.Provider))
        {
            throw DomainException.Invalid("provider", $"Провайдер «{settings.Provider}» не настроен (Agents:Providers).");
        }
    }

    private async Task<AgentConfigDetails> NewVersionAsync(
        AgentKind kind, Func<AgentSettings, AgentSettings>? next, Func<SoulKgDbContext, IQueryable<AgentConfigVersion>>? source, string? comment, uint? expectedVersion,
        CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var kindText = kind.ToString();
        // Locked so two saves number their versions one after the other.
        var config = await db.AgentConfigs.FromSql($"SELECT *, xmin FROM agent_configs WHERE kind = {kindText} FOR UPDATE").FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("kind", "Такого агента нет.");
        if (expectedVersion is { } v && v != config.Version)
        {
            throw new StaleVersionException("AgentConfig");
        }

        var settings = next is not null
            ? next(config.Settings)
            : (await source!(db).Where(x => x.AgentConfigId == config.Id).FirstAsync(ct)).Settings;
        var changes = settings.DiffFrom(config.Settings);
        if (changes.Count == 0)
        {
            return new AgentConfigDetails(config.Kind, config.CurrentVersion, config.Settings, config.UpdatedAt, config.Version);
        }

        var now = clock.GetUtcNow();
        config.CurrentVersion++;
        config.Settings = settings;
        config.UpdatedAt = now;
        db.AgentConfigVersions.Add(new AgentConfigVersion
        {
            AgentConfigId = config.Id, Number = config.CurrentVersion, Settings = settings, Changes = [.. changes],
            Comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim()[..Math.Min(comment.Trim().Length, 500)],
            AuthorId = org.UserId, AuthorName = org.ActorName, CreatedAt = now,
        });
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw new StaleVersionException("AgentConfig");
        }

        return new AgentConfigDetails(config.Kind, config.CurrentVersion, config.Settings, config.UpdatedAt, config.Version);
    }

    private async Task<AgentConfig> LoadAsync(SoulKgDbContext db, AgentKind kind, CancellationToken ct)
    {
        if (await db.AgentConfigs.AsNoTracking().FirstOrDefaultAsync(c => c.Kind == kind, ct) is { } config)
        {
            return config;
        }

        await EnsureDefaultsAsync(db, org.RequiredOrgId, clock.GetUtcNow(), ct);
        return await db.AgentConfigs.AsNoTracking().FirstOrDefaultAsync(c => c.Kind == kind, ct) ?? throw DomainException.NotFound("kind", "Такого агента нет.");
    }
}
