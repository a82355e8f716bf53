using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using SoulKg.Domain;
using SoulKg.Domain.Auditing;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Data;

namespace SoulKg.Web.Features.Audit;

/// <summary>Filters on the audit log. <see cref="From"/> and <see cref="To"/> are whole days in Asia/Bishkek, both inclusive.</summary>
public sealed record AuditQuery(
    string? EntityType = null,
    Guid? ActorId = null,
    AuditAction? Action = null,
    DateOnly? From = null,
    DateOnly? To = null,
    string? EntityId = null);

/// <summary>One changed field; <c>null</c> means the value was absent or null.</summary>
public sealed record AuditChange(string Field, string? Old, string? New);

public sealed record AuditEntryDto(
    Guid Id,
    DateTimeOffset At,
    [property: JsonConverter(typeof(JsonStringEnumConverter<ActorType>))] ActorType ActorType,
    Guid? ActorId,
    string? ActorName,
    string EntityType,
    string EntityId,
    [property: JsonConverter(typeof(JsonStringEnumConverter<AuditAction>))] AuditAction Action,
    IReadOnlyList<AuditChange> Changes,
    string? TraceId);

/// <summary>A page of the log, newest first. <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record AuditEntryPage(IReadOnlyList<AuditEntryDto> Items, string? NextCursor);

public sealed record AuditActor(Guid Id, string Name);

/// <summary>Reads the audit log of the current organisation (the "Org" filter and RLS scope every query).</summary>
public sealed class AuditService(IDbContextFactory<SoulKgDbContext> dbFactory)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>Keyset paging on (at, id): stable while new entries arrive, and as fast on page 1000 as on page 1.</summary>
    public async Task<AuditEntryPage> ListAsync(AuditQuery query, AuditCursor? after, int limit, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entries = Filter(db.AuditEntries.AsNoTracking(), query);
        if (after is { } cursor)
        {
            entries = entries.Where(a => EF.Functions.LessThan(ValueTuple.Create(a.At, a.Id), ValueTuple.Create(cursor.At, cursor.Id)));
        }

        var rows = await entries.OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Take(limit + 1).ToListAsync(cancellationToken);
        var page = rows.Take(limit).ToList();
        var next = rows.Count > limit ? new AuditCursor(page[^1].At, page[^1].Id).Encode() : null;
        return new AuditEntryPage([.. page.Select(ToDto)], next);
    }

    /// <summary>Offset paging with a total, for the grid's pager (which can jump to any page).</summary>
    public async Task<(IReadOnlyList<AuditEntryDto> Items, int Total)> PageAsync(AuditQuery query, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entries = Filter(db.AuditEntries.AsNoTracking(), query);
        var total = await entries.CountAsync(cancellationToken);
        var rows = await entries.OrderByDescending(a => a.At).ThenByDescending(a => a.Id)
            .Skip(page * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return ([.. rows.Select(ToDto)], total);
    }

    /// <summary>The audited entity types, from the EF model: new audited entities appear without a change here.</summary>
    public async Task<IReadOnlyList<string>> EntityTypesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return [.. db.Model.GetEntityTypes().Where(t => typeof(IAudited).IsAssignableFrom(t.ClrType)).Select(t => t.ClrType.Name).Order()];
    }

    /// <summary>People who can appear as actors: the organisation's members, deactivated ones included.</summary>
    public async Task<IReadOnlyList<AuditActor>> ActorsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await (from m in db.Memberships.AsNoTracking()
                      join u in db.Users.AsNoTracking() on m.UserId equals u.Id
                      orderby u.DisplayName
                      select new AuditActor(u.Id, u.DisplayName)).ToListAsync(cancellationToken);
    }

    internal static IQueryable<AuditEntry> Filter(IQueryable<AuditEntry> entries, AuditQuery query)
    {
        if (!string.IsNullOrWhiteSpace(query.EntityType))
        {
            entries = entries.Where(a => a.EntityType == query.EntityType);
        }

        if (query.ActorId is { } actorId)
        {
            entries = entries.Where(a => a.ActorId == actorId);
        }

        if (query.Action is { } action)
        {
            entries = entries.Where(a => a.Action == action);
        }

        if (query.From is { } from)
        {
            var start = StartOfDayUtc(from);
            entries = entries.Where(a => a.At >= start);
        }

        if (query.To is { } to)
        {
            var end = StartOfDayUtc(to.AddDays(1));
            entries = entries.Where(a => a.At < end);
        }

        if (!string.IsNullOrWhiteSpace(query.EntityId))
        {
            var text = query.EntityId.Trim().ToLowerInvariant();
            entries = entries.Where(a => a.EntityId.ToLower().Contains(text));
        }

        return entries;
    }

    /// <summary>Midnight of a Bishkek calendar day, as a UTC instant (the database keeps UTC).</summary>
    internal static DateTimeOffset StartOfDayUtc(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, BishkekTime.Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    internal static IReadOnlyList<AuditChange> ParseChanges(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return [new AuditChange("", null, json)];
            }

            return [.. document.RootElement.EnumerateObject().Select(field => new AuditChange(
                field.Name,
                field.Value.ValueKind == JsonValueKind.Object && field.Value.TryGetProperty("old", out var old) ? Text(old) : null,
                field.Value.ValueKind == JsonValueKind.Object && field.Value.TryGetProperty("new", out var @new) ? Text(@new) : null))];
        }
        catch (JsonException)
        {
            return [new AuditChange("", null, json)];
        }
    }

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => value.GetString(),
        _ => value.GetRawText(),
    };

    private static AuditEntryDto ToDto(AuditEntry a) =>
        new(a.Id, a.At, a.ActorType, a.ActorId, a.ActorName, a.EntityType, a.EntityId, a.Action, ParseChanges(a.Changes), a.TraceId);
}

/// <summary>The opaque position after which the next page starts: the last entry's (at, id), base64url-encoded.</summary>
public readonly record struct AuditCursor(DateTimeOffset At, Guid Id)
{
    public string Encode() => Base64Url.EncodeToString(Encoding.ASCII.GetBytes($"{At.UtcTicks}.{Id:N}"));

    public static bool TryDecode(string? value, out AuditCursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(value) || value.Length > 100)
        {
            return false;
        }

        try
        {
            var parts = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(value)).Split('.');
            if (parts.Length == 2 && long.TryParse(parts[0], out var ticks) && ticks >= DateTimeOffset.MinValue.UtcTicks
                && ticks <= DateTimeOffset.MaxValue.UtcTicks && Guid.TryParseExact(parts[1], "N", out var id))
            {
                cursor = new AuditCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
                return true;
            }
        }
        catch (FormatException)
        {
        }

        return false;
    }
}
