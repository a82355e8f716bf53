using PhoneNumbers;

namespace SoulKg.Domain;

/// <summary>
/// Phone numbers are stored as E.164 (<c>+996555123456</c>). Numbers written without a country code are read as
/// Kyrgyz ones, so <c>0555 12 34 56</c>, <c>+996 555 123456</c> and <c>996555123456</c> are the same number.
/// </summary>
public static class Phones
{
    public const string DefaultRegion = "KG";
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public static bool TryNormalize(string? input, out string e164, string defaultRegion = DefaultRegion)
    {
        e164 = "";
        if (string.IsNullOrWhiteSpace(input) || input.Length > 40)
        {
            return false;
        }

        var text = input.Trim();
        var digits = new string(text.Where(char.IsAsciiDigit).ToArray());
        // "996555123456" with no plus: a full international number typed without it.
        if (!text.StartsWith('+') && digits.Length >= 11 && !digits.StartsWith('0'))
        {
            text = "+" + digits;
        }

        try
        {
            var number = Util.Parse(text, defaultRegion);
            if (!Util.IsValidNumber(number))
            {
                return false;
            }

            e164 = Util.Format(number, PhoneNumberFormat.E164);
            return true;
        }
        catch (NumberParseException)
        {
            return false;
        }
    }

    public static string? Normalize(string? input) => TryNormalize(input, out var e164) ? e164 : null;

    /// <summary>"+996 555 123 456" for display.</summary>
    public static string Format(string e164)
    {
        try
        {
            return Util.Format(Util.Parse(e164, DefaultRegion), PhoneNumberFormat.INTERNATIONAL);
        }
        catch (NumberParseException)
        {
            return e164;
        }
    }

    /// <summary>
    /// The digits of a search fragment, for matching phones by a piece of the number. A leading trunk "0" (how people
    /// write local numbers: <c>0555 12…</c>) is dropped, since stored numbers carry the country code instead.
    /// </summary>
    public static string DigitsOf(string? text) => new string((text ?? "").Where(char.IsAsciiDigit).ToArray()).TrimStart('0');
}
