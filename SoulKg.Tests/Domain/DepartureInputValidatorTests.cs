using SoulKg.Domain.Catalog;

namespace SoulKg.Tests.Domain;

public sealed class DepartureInputValidatorTests
{
    // 2026-06-30 20:00 UTC is already 1 July 02:00 in Bishkek (UTC+6).
    private static readonly FixedClock Clock = new(new DateTimeOffset(2026, 6, 30, 20, 0, 0, TimeSpan.Zero));
    private static readonly DepartureInputValidator Validator = new(Clock);
    private static readonly DepartureInput Valid = new() { TourId = Guid.NewGuid(), StartDate = new DateOnly(2026, 7, 1), Seats = 10 };

    [Fact]
    public void TodayInBishkekIsValid() => Validator.Validate(Valid).IsValid.ShouldBeTrue();

    [Fact]
    public void YesterdayInBishkekIsRefusedEvenIfItIsStillThatDayInUtc() =>
        FailingFields(Valid with { StartDate = new DateOnly(2026, 6, 30) }).ShouldBe(["StartDate"]);

    [Fact]
    public void PastDateIsRefused() => FailingFields(Valid with { StartDate = new DateOnly(2025, 1, 1) }).ShouldBe(["StartDate"]);

    [Fact]
    public void ReturnBeforeDepartureIsRefused() =>
        FailingFields(Valid with { StartDate = new DateOnly(2026, 7, 5), EndDate = new DateOnly(2026, 7, 4) }).ShouldBe(["EndDate"]);

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void SeatsOutOfRangeAreRefused(int seats) => FailingFields(Valid with { Seats = seats }).ShouldBe(["Seats"]);

    private static string[] FailingFields(DepartureInput input) =>
        [.. Validator.Validate(input).Errors.Select(e => e.PropertyName).Distinct()];

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
