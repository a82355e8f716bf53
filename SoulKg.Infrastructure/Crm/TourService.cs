using Microsoft.EntityFrameworkCore;
using Npgsql;
using SoulKg.Domain;
using SoulKg.Domain.Catalog;
using SoulKg.Domain.Clients;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Crm;

public sealed record TourItem(
    Guid Id, string NameRu, string? NameEn, string? DescriptionRu, string? DescriptionEn, string Region, TourType Type, int DurationDays,
    IReadOnlyList<int> Months, decimal? PriceKgs, decimal? PriceUsd, decimal? ChildPriceKgs, decimal? ChildPriceUsd, int GroupMin, int GroupMax,
    string? Included, Difficulty Difficulty, IReadOnlyList<Guid> PartnerIds, IReadOnlyList<string> PhotoUrls, bool IsArchived, DateTimeOffset CreatedAt, uint Version);

public sealed record TourQuery
{
    public string? Search { get; init; }
    public string? Region { get; init; }
    public TourType? Type { get; init; }
    public int? Month { get; init; }
    public int? GroupSize { get; init; }
    public bool IncludeArchived { get; init; }
}

public sealed record DepartureItem(Guid Id, Guid TourId, DateOnly StartDate, DateOnly? EndDate, int Seats, int SeatsBooked, int SeatsLeft,
    decimal? PriceKgs, decimal? PriceUsd, bool IsCancelled, uint Version);

/// <summary>The tours catalogue and its departures, with seat booking that cannot overbook.</summary>
public sealed class TourService(IDbContextFactory<SoulKgDbContext> factory, OrgContext org, TimeProvider clock)
{
    public async Task<GridPage<TourItem>> QueryAsync(TourQuery query, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var tours = Filter(db, query);
        var total = await tours.CountAsync(ct);
        var items = await tours.OrderBy(t => t.NameRu).ThenBy(t => t.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
        return new GridPage<TourItem>(items.Select(ToItem).ToList(), total);
    }

    public async Task<CursorPage<TourItem>> ListAsync(TourQuery query, string? cursor, int? limit, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var tours = Filter(db, query);
        if (Cursor.TryDecode(cursor, out var at, out var id))
        {
            tours = tours.Where(t => t.CreatedAt < at || (t.CreatedAt == at && t.Id.CompareTo(id) < 0));
        }

        var take = Cursor.Limit(limit);
        var items = await tours.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id).Take(take + 1).ToListAsync(ct);
        return Cursor.Page(items, take, x => x.CreatedAt, x => x.Id, ToItem);
    }

    public async Task<TourItem?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var tour = await db.Tours.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct);
        return tour is null ? null : ToItem(tour);
    }

    public async Task<TourItem> CreateAsync(TourInput input, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await EnsurePartnersAsync(db, input.PartnerIds, ct);
        var now = clock.GetUtcNow();
        var tour = new Tour { NameRu = input.NameRu.Trim(), Region = input.Region.Trim(), CreatedAt = now };
        Apply(tour, input, now);
        db.Tours.Add(tour);
        await db.SaveChangesAsync(ct);
        return ToItem(tour);
    }

    public async Task<TourItem> UpdateAsync(Guid id, TourInput input, uint? expectedVersion, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var tour = await db.Tours.FirstOrDefaultAsync(t => t.Id == id, ct) ?? throw DomainException.NotFound("id", "Тур не найден.");
        if (expectedVersion is { } v && v != tour.Version)
        {
            throw new StaleVersionException("Tour");
        }

        await EnsurePartnersAsync(db, input.PartnerIds, ct);
        Apply(tour, input, clock.GetUtcNow());
        await SaveAsync(db, "Tour", ct);
        return ToItem(tour);
    }

    public async Task SetArchivedAsync(Guid id, bool archived, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var tour = await db.Tours.FirstOrDefaultAsync(t => t.Id == id, ct) ?? throw DomainException.NotFound("id", "Тур не найден.");
        tour.IsArchived = archived;
        tour.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<DepartureItem>> DeparturesAsync(Guid tourId, bool includePast = false, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var today = DateOnly.FromDateTime(BishkekTime.ToLocal(clock.GetUtcNow()).Date);
        return await db.Departures.AsNoTracking().Where(d => d.TourId == tourId && (includePast || d.StartDate >= today)).OrderBy(d => d.StartDate)
            .Select(d => new DepartureItem(d.Id, d.TourId, d.StartDate, d.EndDate, d.Seats, d.SeatsBooked, d.Seats - d.SeatsBooked, d.PriceKgs, d.PriceUsd, d.IsCancelled, d.Version))
            .ToListAsync(ct);
    }

    public async Task<DepartureItem> AddDepartureAsync(DepartureInput input, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var tour = await db.Tours.FirstOrDefaultAsync(t => t.Id == input.TourId, ct) ?? throw DomainException.NotFound("tourId", "Тур не найден.");
        if (tour.IsArchived)
        {
            throw DomainException.Conflict("tourId", "Тур в архиве: выезды к нему не добавляются.");
        }

        var departure = new Departure
        {
            TourId = tour.Id, StartDate = input.StartDate, EndDate = input.EndDate ?? input.StartDate.AddDays(tour.DurationDays - 1),
            Seats = input.Seats, PriceKgs = input.PriceKgs, PriceUsd = input.PriceUsd,
        };
        db.Departures.Add(departure);
        await db.SaveChangesAsync(ct);
        return new DepartureItem(departure.Id, departure.TourId, departure.StartDate, departure.EndDate, departure.Seats, 0, departure.Seats,
            departure.PriceKgs, departure.PriceUsd, false, departure.Version);
    }

    /// <summary>
    /// Books seats for a deal. The seat count is raised by one conditional UPDATE (only while enough seats are left), so two
    /// managers booking the last seats at once cannot both succeed; a CHECK constraint backs it up.
    /// </summary>
    public async Task<DepartureItem> BookSeatsAsync(Guid departureId, BookSeatsInput input, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var deal = await db.Deals.Where(d => d.Id == input.DealId).Select(d => new { d.Id, d.ClientId }).FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("dealId", "Сделка не найдена.");
        var departure = await db.Departures.AsNoTracking().FirstOrDefaultAsync(d => d.Id == departureId, ct)
            ?? throw DomainException.NotFound("id", "Выезд не найден.");
        if (departure.IsCancelled)
        {
            throw DomainException.Conflict("id", "Выезд отменён.");
        }

        var seats = input.Seats;
        var updated = await db.Departures
            .Where(d => d.Id == departureId && !d.IsCancelled && d.SeatsBooked + seats <= d.Seats)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.SeatsBooked, d => d.SeatsBooked + seats), ct);
        if (updated == 0)
        {
            var left = await db.Departures.Where(d => d.Id == departureId).Select(d => d.Seats - d.SeatsBooked).FirstAsync(ct);
            throw DomainException.Conflict("seats", $"Недостаточно мест: осталось {left}.");
        }

        var booking = await db.DepartureBookings.FirstOrDefaultAsync(b => b.DepartureId == departureId && b.DealId == deal.Id, ct);
        if (booking is null)
        {
            db.DepartureBookings.Add(new DepartureBooking { DepartureId = departureId, DealId = deal.Id, Seats = seats, CreatedAt = clock.GetUtcNow() });
        }
        else
        {
            booking.Seats += seats;
        }

        db.TimelineEvents.Add(Timeline.Event(org, deal.ClientId, deal.Id, TimelineKind.SeatsBooked,
            $"Забронировано мест: {seats}, выезд {departure.StartDate:dd.MM.yyyy}", clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (await DeparturesAsync(departure.TourId, includePast: true, ct)).First(d => d.Id == departureId);
    }

    private static IQueryable<Tour> Filter(SoulKgDbContext db, TourQuery query)
    {
        var tours = db.Tours.AsNoTracking();
        if (!query.IncludeArchived)
        {
            tours = tours.Where(t => !t.IsArchived);
        }

        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var pattern = "%" + ClientService.EscapeLike(query.Search.Trim()) + "%";
            tours = tours.Where(t => EF.Functions.ILike(t.NameRu, pattern) || (t.NameEn != null && EF.Functions.ILike(t.NameEn, pattern)));
        }

        if (!string.IsNullOrWhiteSpace(query.Region))
        {
            tours = tours.Where(t => t.Region == query.Region);
        }

        if (query.Type is { } type)
        {
            tours = tours.Where(t => t.Type == type);
        }

        if (query.Month is { } month)
        {
            tours = tours.Where(t => t.Months.Count == 0 || t.Months.Contains(month));
        }

        if (query.GroupSize is { } size)
        {
            tours = tours.Where(t => t.GroupMin <= size && t.GroupMax >= size);
        }

        return tours;
    }

    private static async Task EnsurePartnersAsync(SoulKgDbContext db, IReadOnlyList<Guid> partnerIds, CancellationToken ct)
    {
        var ids = partnerIds.Distinct().ToList();
        if (ids.Count > 0 && await db.Partners.CountAsync(p => ids.Contains(p.Id), ct) != ids.Count)
        {
            throw DomainException.Invalid("partnerIds", "Один из партнёров не найден.");
        }
    }

    private static void Apply(Tour tour, TourInput input, DateTimeOffset now)
    {
        tour.NameRu = input.NameRu.Trim();
        tour.NameEn = Blank(input.NameEn);
        tour.DescriptionRu = Blank(input.DescriptionRu);
        tour.DescriptionEn = Blank(input.DescriptionEn);
        tour.Region = input.Region.Trim();
        tour.Type = input.Type;
        tour.DurationDays = input.DurationDays;
        tour.Months = input.Months.Distinct().Order().ToList();
        tour.PriceKgs = input.PriceKgs;
        tour.PriceUsd = input.PriceUsd;
        tour.ChildPriceKgs = input.ChildPriceKgs;
        tour.ChildPriceUsd = input.ChildPriceUsd;
        tour.GroupMin = input.GroupMin;
        tour.GroupMax = input.GroupMax;
        tour.Included = Blank(input.Included);
        tour.Difficulty = input.Difficulty;
        tour.PartnerIds = input.PartnerIds.Distinct().ToList();
        tour.PhotoUrls = input.PhotoUrls.ToList();
        tour.UpdatedAt = now;
    }

    internal static async Task SaveAsync(SoulKgDbContext db, string entity, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new StaleVersionException(entity);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.CheckViolation } check)
        {
            throw DomainException.Invalid(check.ConstraintName ?? "", "Значения не прошли проверку базы данных: " + check.ConstraintName);
        }
    }

    private static TourItem ToItem(Tour t) =>
        new(t.Id, t.NameRu, t.NameEn, t.DescriptionRu, t.DescriptionEn, t.Region, t.Type, t.DurationDays, t.Months, t.PriceKgs, t.PriceUsd,
            t.ChildPriceKgs, t.ChildPriceUsd, t.GroupMin, t.GroupMax, t.Included, t.Difficulty, t.PartnerIds, t.PhotoUrls, t.IsArchived, t.CreatedAt, t.Version);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
