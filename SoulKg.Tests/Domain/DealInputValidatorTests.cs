using FluentValidation;
using SoulKg.Domain.Funnel;

namespace SoulKg.Tests.Domain;

public sealed class DealInputValidatorTests
{
    private static readonly DealInputValidator Validator = new();
    private static readonly DealInput Valid = new() { ClientId = Guid.NewGuid(), Adults = 2 };

    [Fact]
    public void AMinimalDealIsValid() => Validator.Validate(Valid).IsValid.ShouldBeTrue();

    [Fact]
    public void BudgetInKnownCurrencyIsValid() =>
        Validator.Validate(Valid with { BudgetAmount = 1500, BudgetCurrency = "USD" }).IsValid.ShouldBeTrue();

    [Fact]
    public void NegativeAdultsAreRefused() => FailingFields(Valid with { Adults = -1 }).ShouldBe(["Adults"]);

    [Fact]
    public void BudgetWithoutCurrencyIsRefused() => FailingFields(Valid with { BudgetAmount = 1000 }).ShouldBe(["BudgetCurrency"]);

    [Fact]
    public void EuroIsRefused() => FailingFields(Valid with { BudgetAmount = 1000, BudgetCurrency = "EUR" }).ShouldBe(["BudgetCurrency"]);

    [Fact]
    public void DealValueInEuroIsRefused() => FailingFields(Valid with { ValueAmount = 1000, ValueCurrency = "EUR" }).ShouldBe(["ValueCurrency"]);

    [Fact]
    public void TravelEndingBeforeItStartsIsRefused() =>
        FailingFields(Valid with { TravelFrom = new DateOnly(2026, 7, 10), TravelTo = new DateOnly(2026, 7, 9) }).ShouldBe(["TravelTo"]);

    [Fact]
    public void OneDayTripIsValid() =>
        Validator.Validate(Valid with { TravelFrom = new DateOnly(2026, 7, 10), TravelTo = new DateOnly(2026, 7, 10) }).IsValid.ShouldBeTrue();

    [Fact]
    public void MissingClientIsRefused() => FailingFields(Valid with { ClientId = Guid.Empty }).ShouldBe(["ClientId"]);

    [Fact]
    public void MonthOutsideTheYearIsRefused() => FailingFields(Valid with { TravelMonth = 13 }).ShouldBe(["TravelMonth"]);

    private static string[] FailingFields(DealInput input) =>
        [.. Validator.Validate(input).Errors.Select(e => e.PropertyName).Distinct()];
}
