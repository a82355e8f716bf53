using SoulKg.Domain;

namespace SoulKg.Tests.Domain;

public sealed class PhonesTests
{
    [Theory]
    [InlineData("0555 12 34 56")]
    [InlineData("+996 555 123456")]
    [InlineData("996555123456")]
    [InlineData("0 (555) 123-456")]
    [InlineData("+996-555-12-34-56")]
    [InlineData("  0555123456  ")]
    public void KyrgyzNumbersInAnyFormatBecomeTheSameE164(string input)
    {
        Phones.TryNormalize(input, out var e164).ShouldBeTrue();
        e164.ShouldBe("+996555123456");
        Phones.Normalize(input).ShouldBe("+996555123456");
    }

    [Theory]
    [InlineData("+7 701 123 4567", "+77011234567")]
    [InlineData("+7 (916) 123-45-67", "+79161234567")]
    [InlineData("+1 650 253 0000", "+16502530000")]
    [InlineData("+49 30 901820", "+4930901820")]
    public void ForeignNumbersKeepTheirCountry(string input, string expected) =>
        Phones.Normalize(input).ShouldBe(expected);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("abc")]
    [InlineData("12345")]
    [InlineData("0555 12 34")]
    [InlineData("+996 555")]
    [InlineData("+999 123 456 789")]
    [InlineData("0555 12 34 56 78 90 12 34 56 78 90 12 34 56 78")]
    public void NonNumbersAreRejected(string? input)
    {
        Phones.TryNormalize(input, out var e164).ShouldBeFalse();
        e164.ShouldBeEmpty();
        Phones.Normalize(input).ShouldBeNull();
    }

    [Fact]
    public void FormatWritesTheInternationalForm() =>
        Phones.Format("+996555123456").ShouldBe("+996 555 123 456");

    [Fact]
    public void DigitsOfKeepsOnlyDigits() =>
        Phones.DigitsOf("+996 (555) 12-34").ShouldBe("9965551234");
}

public class PhoneSearchFragmentTests
{
    [Theory]
    [InlineData("0555 12", "55512")]
    [InlineData("+996 555", "996555")]
    [InlineData("55-51", "5551")]
    [InlineData("Айгуль", "")]
    public void SearchFragmentKeepsDigitsWithoutTheTrunkZero(string text, string expected) =>
        Phones.DigitsOf(text).ShouldBe(expected);
}
