using System.Globalization;

namespace SoulKg.Domain;

/// <summary>An amount in one of the currencies our clients pay in: Kyrgyz som or US dollars.</summary>
public readonly record struct Money(decimal Amount, string Currency)
{
    public const string Kgs = "KGS";
    public const string Usd = "USD";

    public static IReadOnlyList<string> Currencies { get; } = [Kgs, Usd];

    public static bool IsKnownCurrency(string? currency) => currency is Kgs or Usd;

    /// <summary>"12 500 сом" or "$800" in Russian; "12,500 som" or "$800" in English.</summary>
    public string Format(CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentUICulture;
        var russian = culture.TwoLetterISOLanguageName is "ru" or "ky";
        var number = russian
            ? Amount.ToString("#,0.##", RussianNumbers)
            : Amount.ToString("#,0.##", CultureInfo.InvariantCulture);
        return Currency switch
        {
            Usd => "$" + number,
            Kgs => number + (russian ? " сом" : " som"),
            _ => number + " " + Currency,
        };
    }

    public override string ToString() => Format(CultureInfo.InvariantCulture);

    private static readonly NumberFormatInfo RussianNumbers = new()
    {
        NumberGroupSeparator = "\u00A0",
        NumberDecimalSeparator = ",",
        NumberGroupSizes = [3],
    };
}
