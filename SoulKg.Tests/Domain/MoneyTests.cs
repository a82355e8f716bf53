using System.Globalization;
using SoulKg.Domain;

namespace SoulKg.Tests.Domain;

public sealed class MoneyTests
{
    private static readonly CultureInfo Russian = new("ru");
    private static readonly CultureInfo English = new("en");

    [Theory]
    [InlineData(12500, "12\u00A0500 сом")]
    [InlineData(0, "0 сом")]
    [InlineData(1234.5, "1\u00A0234,5 сом")]
    [InlineData(1000000.25, "1\u00A0000\u00A0000,25 сом")]
    public void SomsAreFormattedTheRussianWay(decimal amount, string expected) =>
        new Money(amount, Money.Kgs).Format(Russian).ShouldBe(expected);

    [Fact]
    public void SomsAreFormattedTheEnglishWay() =>
        new Money(12500m, Money.Kgs).Format(English).ShouldBe("12,500 som");

    [Theory]
    [InlineData("ru")]
    [InlineData("en")]
    public void DollarsCarryALeadingSign(string culture) =>
        new Money(800m, Money.Usd).Format(new CultureInfo(culture)).ShouldBe("$800");

    [Fact]
    public void KyrgyzUsersGetRussianNumbers() =>
        new Money(12500m, Money.Kgs).Format(new CultureInfo("ky")).ShouldBe("12\u00A0500 сом");

    [Fact]
    public void UnknownCurrencyIsWrittenAfterTheAmount() =>
        new Money(10m, "EUR").Format(English).ShouldBe("10 EUR");

    [Fact]
    public void AmountsAreRoundedToTwoDecimals() =>
        new Money(1.005m, Money.Usd).Format(English).ShouldBe("$1.01");

    [Fact]
    public void FormatFollowsTheCurrentUiCultureByDefault()
    {
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = English;
            new Money(2500m, Money.Kgs).Format().ShouldBe("2,500 som");
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    [Fact]
    public void ToStringIsCultureInvariant() =>
        new Money(2500m, Money.Kgs).ToString().ShouldBe("2,500 som");

    [Theory]
    [InlineData("KGS", true)]
    [InlineData("USD", true)]
    [InlineData("usd", false)]
    [InlineData("EUR", false)]
    [InlineData(null, false)]
    public void OnlySomAndDollarsAreKnown(string? currency, bool known) =>
        Money.IsKnownCurrency(currency).ShouldBe(known);

    [Fact]
    public void CurrenciesListsSomFirst() => Money.Currencies.ShouldBe(["KGS", "USD"]);
}
