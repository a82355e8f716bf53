using SoulKg.Domain.Auditing;
using SoulKg.Domain.Tenancy;

namespace SoulKg.Domain.Catalog;

public enum TourType
{
    Trek = 0,
    Horse = 1,
    Jeep = 2,
    City = 3,
    Cultural = 4,
    Ski = 5,
    Beach = 6,
    Other = 7,
}

public enum Difficulty
{
    Easy = 0,
    Moderate = 1,
    Hard = 2,
}

public static class Regions
{
    public static IReadOnlyList<string> Known { get; } =
        ["Иссык-Куль", "Сон-Куль", "Каракол", "Ала-Арча", "Таш-Рабат", "Бишкек", "Кель-Суу", "Нарын", "Ош", "Пик Ленина", "Чон-Кемин", "Сказка"];
}

public sealed class Tour : IOrgOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public required string NameRu { get; set; }
    public string? NameEn { get; set; }
    public string? DescriptionRu { get; set; }
    public string? DescriptionEn { get; set; }
    public required string Region { get; set; }
    public TourType Type { get; set; }
    public int DurationDays { get; set; } = 1;

    /// <summary>Months (1–12) the tour runs in.</summary>
    public List<int> Months { get; set; } = [];
    public decimal? PriceKgs { get; set; }
    public decimal? PriceUsd { get; set; }
    public decimal? ChildPriceKgs { get; set; }
    public decimal? ChildPriceUsd { get; set; }
    public int GroupMin { get; set; } = 1;
    public int GroupMax { get; set; } = 20;
    public string? Included { get; set; }
    public Difficulty Difficulty { get; set; }
    public List<Guid> PartnerIds { get; set; } = [];
    public List<string> PhotoUrls { get; set; } = [];
    public bool IsArchived { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public uint Version { get; set; }

    public bool RunsIn(int month) => Months.Count == 0 || Months.Contains(month);

    public string DisplayName(string language) => language == Languages.English && !string.IsNullOrWhiteSpace(NameEn) ? NameEn : NameRu;
}

/// <summary>A fixed-date departure of a tour with a limited number of seats.</summary>
public sealed class Departure : IOrgOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public Guid TourId { get; set; }
    public DateOnly StartDate { get; set; }
    public DateOnly? EndDate { get; set; }
    public int Seats { get; set; }

    /// <summary>Seats sold; the database refuses more than <see cref="Seats"/> (a CHECK constraint).</summary>
    public int SeatsBooked { get; set; }
    public decimal? PriceKgs { get; set; }
    public decimal? PriceUsd { get; set; }
    public bool IsCancelled { get; set; }
    public uint Version { get; set; }

    public int SeatsLeft => Seats - SeatsBooked;
}

public sealed class DepartureBooking : IOrgOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public Guid DepartureId { get; set; }
    public Guid DealId { get; set; }
    public int Seats { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
