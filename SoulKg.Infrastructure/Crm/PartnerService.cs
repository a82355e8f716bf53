using Microsoft.EntityFrameworkCore;
using SoulKg.Domain;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Partners;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Crm;

public sealed record PartnerItem(Guid Id, PartnerType Type, string Name, string? ContactPerson, string? WhatsAppPhone, IReadOnlyList<string> Regions,
    IReadOnlyList<string> Languages, string? Rates, string? Notes, decimal? Rating, bool IsActive, DateTimeOffset CreatedAt, uint Version);

public sealed record PartnerQuery
{
    public string? Search { get; init; }
    public PartnerType? Type { get; init; }
    public string? Region { get; init; }
    public string? Language { get; init; }
    public bool? IsActive { get; init; }
}

public sealed record DealPartnerItem(Guid Id, Guid DealId, Guid PartnerId, string PartnerName, PartnerType Type, string? Note, DateTimeOffset AssignedAt);

/// <summary>The partners registry (guides, yurt camps and hotels, transport, agencies) and their assignment to deals.</summary>
public sealed class PartnerService(IDbContextFactory<SoulKgDbContext> factory, OrgContext org, TimeProvider clock)
{
    public async Task<GridPage<PartnerItem>> QueryAsync(PartnerQuery query, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var partners = Filter(db, query);
        var total = await partners.CountAsync(ct);
        var items = await partners.OrderBy(p => p.Name).ThenBy(p => p.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
        return new GridPage<PartnerItem>(items.Select(ToItem).ToList(), total);
    }

    public async Task<CursorPage<PartnerItem>> ListAsync(PartnerQuery query, string? cursor, int? limit, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var partners = Filter(db, query);
        if (Cursor.TryDecode(cursor, out var at, out var id))
        {
            partners = partners.Where(p => p.CreatedAt < at || (p.CreatedAt == at && p.Id.CompareTo(id) < 0));
        }

        var take = Cursor.Limit(limit);
        var items = await partners.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id).Take(take + 1).ToListAsync(ct);
        return Cursor.Page(items, take, x => x.CreatedAt, x => x.Id, ToItem);
    }

    public async Task<PartnerItem?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var partner = await db.Partners.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        return partner is null ? null : ToItem(partner);
    }

    public async Task<PartnerItem> CreateAsync(PartnerInput input, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var partner = new Partner { Name = input.Name.Trim(), CreatedAt = now };
        Apply(partner, input, now);
        db.Partners.Add(partner);
        await db.SaveChangesAsync(ct);
        return ToItem(partner);
    }

    public async Task<PartnerItem> UpdateAsync(Guid id, PartnerInput input, uint? expectedVersion, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var partner = await db.Partners.FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw DomainException.NotFound("id", "Партнёр не найден.");
        if (expectedVersion is { } v && v != partner.Version)
        {
            throw new StaleVersionException("Partner");
        }

        Apply(partner, input, clock.GetUtcNow());
        await TourService.SaveAsync(db, "Partner", ct);
        return ToItem(partner);
    }

    public async Task<IReadOnlyList<DealPartnerItem>> ForDealAsync(Guid dealId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await (from a in db.DealPartners.AsNoTracking()
                      join p in db.Partners on a.PartnerId equals p.Id
                      where a.DealId == dealId
                      orderby a.AssignedAt
                      select new DealPartnerItem(a.Id, a.DealId, a.PartnerId, p.Name, p.Type, a.Note, a.AssignedAt)).ToListAsync(ct);
    }

    public async Task<DealPartnerItem> AssignAsync(Guid dealId, Guid partnerId, string? note, CancellationToken ct = default)
    {
        if (note?.Length > 1000)
        {
            throw DomainException.Invalid("note", "Комментарий — не длиннее 1000 символов.");
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var deal = await db.Deals.Where(d => d.Id == dealId).Select(d => new { d.Id, d.ClientId }).FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("dealId", "Сделка не найдена.");
        var partner = await db.Partners.FirstOrDefaultAsync(p => p.Id == partnerId, ct) ?? throw DomainException.NotFound("partnerId", "Партнёр не найден.");
        if (!partner.IsActive)
        {
            throw DomainException.Conflict("partnerId", $"Партнёр «{partner.Name}» не активен.");
        }

        if (await db.DealPartners.AnyAsync(a => a.DealId == dealId && a.PartnerId == partnerId, ct))
        {
            throw DomainException.Conflict("partnerId", $"«{partner.Name}» уже назначен на эту сделку.");
        }

        var now = clock.GetUtcNow();
        var assignment = new DealPartner { DealId = dealId, PartnerId = partnerId, Note = note, AssignedAt = now };
        db.DealPartners.Add(assignment);
        db.TimelineEvents.Add(Timeline.Event(org, deal.ClientId, dealId, TimelineKind.PartnerAssigned, $"Назначен партнёр: {partner.Name}", now));
        await db.SaveChangesAsync(ct);
        return new DealPartnerItem(assignment.Id, dealId, partnerId, partner.Name, partner.Type, note, now);
    }

    public async Task UnassignAsync(Guid dealId, Guid partnerId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var assignment = await db.DealPartners.FirstOrDefaultAsync(a => a.DealId == dealId && a.PartnerId == partnerId, ct)
            ?? throw DomainException.NotFound("partnerId", "Партнёр не назначен на эту сделку.");
        db.DealPartners.Remove(assignment);
        await db.SaveChangesAsync(ct);
    }

    private static IQueryable<Partner> Filter(SoulKgDbContext db, PartnerQuery query)
    {
        var partners = db.Partners.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var pattern = "%" + ClientService.EscapeLike(query.Search.Trim()) + "%";
            partners = partners.Where(p => EF.Functions.ILike(p.Name, pattern) || (p.ContactPerson != null && EF.Functions.ILike(p.ContactPerson, pattern)));
        }

        if (query.Type is { } type)
        {
            partners = partners.Where(p => p.Type == type);
        }

        if (!string.IsNullOrWhiteSpace(query.Region))
        {
            partners = partners.Where(p => p.Regions.Contains(query.Region));
        }

        if (!string.IsNullOrWhiteSpace(query.Language))
        {
            partners = partners.Where(p => p.Languages.Contains(query.Language));
        }

        if (query.IsActive is { } active)
        {
            partners = partners.Where(p => p.IsActive == active);
        }

        return partners;
    }

    private static void Apply(Partner partner, PartnerInput input, DateTimeOffset now)
    {
        partner.Type = input.Type;
        partner.Name = input.Name.Trim();
        partner.ContactPerson = string.IsNullOrWhiteSpace(input.ContactPerson) ? null : input.ContactPerson.Trim();
        partner.WhatsAppPhone = Phones.Normalize(input.WhatsAppPhone);
        partner.Regions = input.Regions.Select(r => r.Trim()).Where(r => r.Length > 0).Distinct().ToList();
        partner.Languages = input.Languages.Distinct().ToList();
        partner.Rates = input.Rates;
        partner.Notes = input.Notes;
        partner.Rating = input.Rating;
        partner.IsActive = input.IsActive;
        partner.UpdatedAt = now;
    }

    private static PartnerItem ToItem(Partner p) =>
        new(p.Id, p.Type, p.Name, p.ContactPerson, p.WhatsAppPhone, p.Regions, p.Languages, p.Rates, p.Notes, p.Rating, p.IsActive, p.CreatedAt, p.Version);
}
