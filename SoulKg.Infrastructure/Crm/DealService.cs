using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SoulKg.Domain;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Funnel;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Crm;

public sealed record DealListItem(
    Guid Id, Guid ClientId, string ClientName, string? Title, Guid StageId, string StageName, DealStatus Status,
    IReadOnlyList<Guid> TourIds, TravelDates Travel, int Adults, int Children, decimal? BudgetAmount, string? BudgetCurrency,
    decimal? ValueAmount, string? ValueCurrency, Guid? ResponsibleUserId, ClientSource Source, bool NeedsStageReview,
    DateTimeOffset StageEnteredAt, DateTimeOffset CreatedAt, uint Version);

public sealed record DealDetails(
    Guid Id, Guid ClientId, string ClientName, string? Title, Guid StageId, string StageName, DealStatus Status,
    IReadOnlyList<Guid> TourIds, TravelDates Travel, int Adults, int Children, decimal? BudgetAmount, string? BudgetCurrency,
    string? Wishes, string? Accommodation, string? PickupCity, string? Region, ClientSource Source, Guid? ResponsibleUserId,
    decimal? ValueAmount, string? ValueCurrency, DateOnly? ExpectedCloseDate, Guid? LostReasonId, string? LostNote,
    bool NeedsStageReview, DateTimeOffset StageEnteredAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, uint Version);

public sealed record StageChangeItem(Guid Id, Guid? FromStageId, Guid ToStageId, DealStatus FromStatus, DealStatus ToStatus, string? Reason,
    Domain.Tenancy.ActorType ActorType, string? ActorName, DateTimeOffset At);

public sealed record DealQuery
{
    public Guid? StageId { get; init; }
    public DealStatus? Status { get; init; }
    public Guid? ClientId { get; init; }
    public Guid? ResponsibleUserId { get; init; }
    public Guid? TourId { get; init; }
    public ClientSource? Source { get; init; }
    public string? Tag { get; init; }
    public int? TravelMonth { get; init; }
    public string? Search { get; init; }

    /// <summary>For the grid only: createdAt (default), client, stage, stageEnteredAt, budget, value or adults.</summary>
    public string? SortBy { get; init; }
    public bool Descending { get; init; } = true;
}

/// <summary>Deals (trip requests): create, edit the request fields, list and read. Moves go through <see cref="DealStageService"/>.</summary>
public sealed class DealService(IDbContextFactory<SoulKgDbContext> factory, OrgContext org, TimeProvider clock)
{
    public async Task<DealDetails> CreateAsync(DealInput input, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var client = await db.Clients.Where(c => c.Id == input.ClientId && c.MergedIntoId == null).Select(c => new { c.Id, c.Name }).FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("clientId", "Клиент не найден.");
        var stage = input.StageId is { } stageId
            ? await db.FunnelStages.FirstOrDefaultAsync(s => s.Id == stageId, ct) ?? throw DomainException.Invalid("stageId", "Такого этапа нет.")
            : await db.FunnelStages.Where(s => !s.IsArchived).OrderBy(s => s.Order).FirstAsync(ct);
        if (stage.IsArchived)
        {
            throw DomainException.Invalid("stageId", $"Этап «{stage.Name}» в архиве.");
        }

        await EnsureToursAsync(db, input.TourIds, ct);
        var now = clock.GetUtcNow();
        var top = await db.Deals.Where(d => d.StageId == stage.Id && d.Status == DealStatus.Open).MinAsync(d => (double?)d.SortOrder, ct) ?? 0;
        var deal = new Deal { ClientId = client.Id, StageId = stage.Id, StageEnteredAt = now, SortOrder = top - 1, CreatedAt = now };
        Apply(deal, input, now);
        db.Deals.Add(deal);
        db.DealStageChanges.Add(new DealStageChange
        {
            DealId = deal.Id, FromStageId = null, ToStageId = stage.Id, FromStatus = DealStatus.Open, ToStatus = DealStatus.Open,
            Reason = "Сделка создана", ActorType = org.ActorType, ActorId = org.UserId, ActorName = org.ActorName, At = now,
        });
        db.TimelineEvents.Add(Timeline.Event(org, client.Id, deal.Id, TimelineKind.DealCreated, $"Новая заявка на этапе «{stage.Name}»", now));
        await db.SaveChangesAsync(ct);
        return (await GetAsync(deal.Id, ct))!;
    }

    public async Task<DealDetails> UpdateAsync(Guid id, DealInput input, uint? expectedVersion, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var deal = await db.Deals.FirstOrDefaultAsync(d => d.Id == id, ct) ?? throw DomainException.NotFound("id", "Сделка не найдена.");
        if (expectedVersion is { } v && v != deal.Version)
        {
            throw new StaleVersionException("Deal");
        }

        if (input.ClientId != deal.ClientId)
        {
            throw DomainException.Invalid("clientId", "Клиента сделки нельзя поменять; объедините клиентов, если это один человек.");
        }

        await EnsureToursAsync(db, input.TourIds, ct);
        Apply(deal, input, clock.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new StaleVersionException("Deal");
        }

        return (await GetAsync(id, ct))!;
    }

    public async Task<DealDetails?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await (from d in db.Deals.AsNoTracking()
                      join c in db.Clients on d.ClientId equals c.Id
                      join s in db.FunnelStages on d.StageId equals s.Id
                      where d.Id == id
                      select new DealDetails(d.Id, d.ClientId, c.Name, d.Title, d.StageId, s.Name, d.Status, d.TourIds, d.Travel, d.Adults, d.Children,
                          d.BudgetAmount, d.BudgetCurrency, d.Wishes, d.Accommodation, d.PickupCity, d.Region, d.Source, d.ResponsibleUserId,
                          d.ValueAmount, d.ValueCurrency, d.ExpectedCloseDate, d.LostReasonId, d.LostNote, d.NeedsStageReview, d.StageEnteredAt,
                          d.CreatedAt, d.UpdatedAt, d.Version)).FirstOrDefaultAsync(ct);
    }

    public async Task<GridPage<DealListItem>> QueryAsync(DealQuery query, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var deals = Filter(db, query);
        var total = await deals.CountAsync(ct);
        var items = await Project(db, Sort(db, deals, query).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 500))).ToListAsync(ct);
        return new GridPage<DealListItem>(items, total);
    }

    private static IOrderedQueryable<Deal> Sort(SoulKgDbContext db, IQueryable<Deal> deals, DealQuery query) =>
        (query.SortBy?.ToLowerInvariant(), query.Descending) switch
        {
            ("client", false) => deals.OrderBy(d => db.Clients.Where(c => c.Id == d.ClientId).Select(c => c.Name).First()).ThenBy(d => d.Id),
            ("client", true) => deals.OrderByDescending(d => db.Clients.Where(c => c.Id == d.ClientId).Select(c => c.Name).First()).ThenByDescending(d => d.Id),
            ("stage", false) => deals.OrderBy(d => db.FunnelStages.Where(s => s.Id == d.StageId).Select(s => s.Order).First()).ThenBy(d => d.Id),
            ("stage", true) => deals.OrderByDescending(d => db.FunnelStages.Where(s => s.Id == d.StageId).Select(s => s.Order).First()).ThenByDescending(d => d.Id),
            ("stageenteredat", false) => deals.OrderBy(d => d.StageEnteredAt).ThenBy(d => d.Id),
            ("stageenteredat", true) => deals.OrderByDescending(d => d.StageEnteredAt).ThenByDescending(d => d.Id),
            ("budget", false) => deals.OrderBy(d => d.BudgetAmount).ThenBy(d => d.Id),
            ("budget", true) => deals.OrderByDescending(d => d.BudgetAmount).ThenByDescending(d => d.Id),
            ("value", false) => deals.OrderBy(d => d.ValueAmount).ThenBy(d => d.Id),
            ("value", true) => deals.OrderByDescending(d => d.ValueAmount).ThenByDescending(d => d.Id),
            ("adults", false) => deals.OrderBy(d => d.Adults).ThenBy(d => d.Id),
            ("adults", true) => deals.OrderByDescending(d => d.Adults).ThenByDescending(d => d.Id),
            ("createdat", false) => deals.OrderBy(d => d.CreatedAt).ThenBy(d => d.Id),
            _ => deals.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id),
        };

    public async Task<CursorPage<DealListItem>> ListAsync(DealQuery query, string? cursor, int? limit, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var deals = Filter(db, query);
        if (Cursor.TryDecode(cursor, out var at, out var id))
        {
            deals = deals.Where(d => d.CreatedAt < at || (d.CreatedAt == at && d.Id.CompareTo(id) < 0));
        }

        var take = Cursor.Limit(limit);
        var items = await Project(db, deals.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Take(take + 1)).ToListAsync(ct);
        return Cursor.Page(items, take, x => x.CreatedAt, x => x.Id, x => x);
    }

    public async Task<IReadOnlyList<StageChangeItem>> HistoryAsync(Guid dealId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!await db.Deals.AnyAsync(d => d.Id == dealId, ct))
        {
            throw DomainException.NotFound("id", "Сделка не найдена.");
        }

        return await db.DealStageChanges.AsNoTracking().Where(c => c.DealId == dealId).OrderByDescending(c => c.At)
            .Select(c => new StageChangeItem(c.Id, c.FromStageId, c.ToStageId, c.FromStatus, c.ToStatus, c.Reason, c.ActorType, c.ActorName, c.At))
            .ToListAsync(ct);
    }

    internal static IQueryable<Deal> Filter(SoulKgDbContext db, DealQuery query)
    {
        var deals = db.Deals.AsNoTracking();
        if (query.StageId is { } stage)
        {
            deals = deals.Where(d => d.StageId == stage);
        }

        if (query.Status is { } status)
        {
            deals = deals.Where(d => d.Status == status);
        }

        if (query.ClientId is { } client)
        {
            deals = deals.Where(d => d.ClientId == client);
        }

        if (query.ResponsibleUserId is { } responsible)
        {
            deals = deals.Where(d => d.ResponsibleUserId == responsible);
        }

        if (query.TourId is { } tour)
        {
            deals = deals.Where(d => d.TourIds.Contains(tour));
        }

        if (query.Source is { } source)
        {
            deals = deals.Where(d => d.Source == source);
        }

        if (query.TravelMonth is { } month)
        {
            deals = deals.Where(d => d.Travel.Month == month || (d.Travel.From != null && d.Travel.From.Value.Month == month));
        }

        if (!string.IsNullOrWhiteSpace(query.Tag))
        {
            deals = deals.Where(d => db.Clients.Any(c => c.Id == d.ClientId && c.Tags.Contains(query.Tag)));
        }

        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var pattern = "%" + ClientService.EscapeLike(query.Search.Trim()) + "%";
            var digits = Phones.DigitsOf(query.Search);
            deals = deals.Where(d => (d.Title != null && EF.Functions.ILike(d.Title, pattern))
                || db.Clients.Any(c => c.Id == d.ClientId && (EF.Functions.ILike(c.Name, pattern)
                    || (digits.Length >= 3 && c.Contacts.Any(x => x.Kind == ContactKind.Phone && x.Value.Contains(digits))))));
        }

        return deals;
    }

    private static IQueryable<DealListItem> Project(SoulKgDbContext db, IQueryable<Deal> deals) =>
        from d in deals
        join c in db.Clients on d.ClientId equals c.Id
        join s in db.FunnelStages on d.StageId equals s.Id
        select new DealListItem(d.Id, d.ClientId, c.Name, d.Title, d.StageId, s.Name, d.Status, d.TourIds, d.Travel, d.Adults, d.Children,
            d.BudgetAmount, d.BudgetCurrency, d.ValueAmount, d.ValueCurrency, d.ResponsibleUserId, d.Source, d.NeedsStageReview,
            d.StageEnteredAt, d.CreatedAt, d.Version);

    private static async Task EnsureToursAsync(SoulKgDbContext db, IReadOnlyList<Guid> tourIds, CancellationToken ct)
    {
        if (tourIds.Count == 0)
        {
            return;
        }

        var ids = tourIds.Distinct().ToList();
        var found = await db.Tours.CountAsync(t => ids.Contains(t.Id), ct);
        if (found != ids.Count)
        {
            throw DomainException.Invalid("tourIds", "Один из туров не найден.");
        }
    }

    private static void Apply(Deal deal, DealInput input, DateTimeOffset now)
    {
        deal.Title = string.IsNullOrWhiteSpace(input.Title) ? null : input.Title.Trim();
        deal.TourIds = input.TourIds.Distinct().ToList();
        deal.Travel = new TravelDates { From = input.TravelFrom, To = input.TravelTo, Month = input.TravelMonth, Year = input.TravelYear, Text = input.TravelText };
        deal.Adults = input.Adults;
        deal.Children = input.Children;
        deal.BudgetAmount = input.BudgetAmount;
        deal.BudgetCurrency = input.BudgetAmount is null ? null : input.BudgetCurrency;
        deal.Wishes = input.Wishes;
        deal.Accommodation = input.Accommodation;
        deal.PickupCity = input.PickupCity;
        deal.Region = input.Region;
        deal.Source = input.Source;
        deal.ResponsibleUserId = input.ResponsibleUserId;
        deal.ValueAmount = input.ValueAmount;
        deal.ValueCurrency = input.ValueAmount is null ? null : input.ValueCurrency;
        deal.ExpectedCloseDate = input.ExpectedCloseDate;
        deal.UpdatedAt = now;
    }
}

internal static class Timeline
{
    public static TimelineEvent Event(OrgContext org, Guid clientId, Guid? dealId, TimelineKind kind, string summary, DateTimeOffset at, object? data = null) =>
        new()
        {
            ClientId = clientId,
            DealId = dealId,
            Kind = kind,
            Summary = summary,
            Data = data is null ? null : JsonSerializer.Serialize(data),
            ActorType = org.ActorType,
            ActorId = org.UserId,
            ActorName = org.ActorName,
            At = at,
        };
}
