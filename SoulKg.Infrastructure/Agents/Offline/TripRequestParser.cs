using System.Globalization;
using System.Text.RegularExpressions;
using SoulKg.Domain;
using SoulKg.Domain.Agents;
using SoulKg.Domain.Partners;

namespace SoulKg.Infrastructure.Agents.Offline;

/// <summary>What one client message says about the trip, as far as simple rules can tell.</summary>
public sealed record TripFacts
{
    public string Language { get; init; } = Languages.Russian;
    public bool KyrgyzGreeting { get; init; }

    /// <summary>The text has letters, so <see cref="Language"/> is the client's and not a default.</summary>
    public bool LanguageKnown { get; init; }
    public bool Greeting { get; init; }
    public int? Month { get; init; }
    public int? Year { get; init; }
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    public string? TravelText { get; init; }
    public int? Adults { get; init; }
    public int? Children { get; init; }
    public decimal? Budget { get; init; }
    public string? Currency { get; init; }
    public string? Region { get; init; }
    public IReadOnlyList<string> Interests { get; init; } = [];
    public HandoffReason? Handoff { get; init; }

    /// <summary>The client says yes to the offer ("да, бронируем", "book it").</summary>
    public bool Confirms { get; init; }

    /// <summary>Partners the message names (a guide, a hotel or camp, a transfer); none named means a guide.</summary>
    public IReadOnlyList<PartnerType> Partners { get; init; } = [];

    public bool HasTripFacts => Month is not null || From is not null || TravelText is not null || Adults is not null || Children is not null
        || Budget is not null || Region is not null || Interests.Count > 0;
}

/// <summary>
/// The offline model's understanding of Russian and English (and a Kyrgyz greeting): dates ("в июле", "с 10 по 15
/// августа", "на майские", "in July"), the group ("нас 4 взрослых и 2 детей", "4 adults and a child"), the budget
/// ("до 800$", "50 тыс сом", "$1,200"), regions, interests, and requests for a person, complaints and payment.
/// Pure and deterministic: the same text on the same day gives the same facts.
/// </summary>
public static partial class TripRequestParser
{
    private const RegexOptions Opts = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    private static readonly (string Pattern, int Month)[] MonthWords =
    [
        ("январ", 1), ("феврал", 2), ("март", 3), ("апрел", 4), ("ма[йяе]", 5), ("июн", 6), ("июл", 7), ("август", 8),
        ("сентябр", 9), ("октябр", 10), ("ноябр", 11), ("декабр", 12),
        ("january", 1), ("february", 2), ("march", 3), ("april", 4), ("may", 5), ("june", 6), ("july", 7), ("august", 8),
        ("september", 9), ("october", 10), ("november", 11), ("december", 12),
    ];

    private static readonly string MonthAlternation = string.Join("|", MonthWords.Select(m => m.Pattern + "[a-zа-яё]*"));

    private static readonly (Regex Pattern, string Region)[] RegionWords =
    [
        (new Regex(@"ыс+ык[\s-]?к[уө]л|ис+ык[\s-]?кул|is+yk[\s-]?k[uö]l", Opts), "Иссык-Куль"),
        (new Regex(@"сон[\s-]?к[уө]л|song?[\s-]?k[uö]l", Opts), "Сон-Куль"),
        (new Regex(@"каракол|karakol|ала[\s-]?к[уө]л|ala[\s-]?kul", Opts), "Каракол"),
        (new Regex(@"ала[\s-]?арч|ala[\s-]?arch", Opts), "Ала-Арча"),
        (new Regex(@"таш[\s-]?рабат|tash[\s-]?rabat", Opts), "Таш-Рабат"),
        (new Regex(@"бишкек|bishkek", Opts), "Бишкек"),
        (new Regex(@"кель[\s-]?суу|kel[\s-]?suu", Opts), "Кель-Суу"),
        (new Regex(@"нарын|naryn", Opts), "Нарын"),
        (new Regex(@"\bош\b|\bosh\b", Opts), "Ош"),
        (new Regex(@"пик[а-я]*\s+ленин|ленин[а-я]*\s+пик|lenin\s+peak|peak\s+lenin", Opts), "Пик Ленина"),
        (new Regex(@"чон[\s-]?кемин|chon[\s-]?kemin", Opts), "Чон-Кемин"),
        (new Regex(@"сказк|skazka|fairy[\s-]?tale", Opts), "Сказка"),
    ];

    private static readonly (Regex Pattern, PartnerType Type)[] PartnerWords =
    [
        (new Regex(@"\bгид|экскурсовод|\bguide", Opts), PartnerType.Guide),
        (new Regex(@"гостиниц|отел[ьяие]|гестхаус|юрточн|юрт[\s-]?лагер|ночлег|жиль[ея]|hotel|guest\s?house|yurt\s+camp|accommodation", Opts), PartnerType.Accommodation),
        (new Regex(@"трансфер|водител|машин[уаы]|transfer|driver|\bcar\b", Opts), PartnerType.Transport),
    ];

    private static readonly (Regex Pattern, string Ru)[] InterestWords =
    [
        (new Regex(@"кон(н|я|ь|и)|лошад|верхом|horse", Opts), "конные прогулки"),
        (new Regex(@"юрт|yurt", Opts), "юрты"),
        (new Regex(@"трек|поход|hik(e|ing)|trek", Opts), "треккинг"),
        (new Regex(@"пляж|купат|beach|swim", Opts), "пляж"),
        (new Regex(@"рыбал|fishing", Opts), "рыбалка"),
        (new Regex(@"джип|jeep|4x4", Opts), "джип-тур"),
        (new Regex(@"горячи[ех]\s+источник|hot\s+spring", Opts), "горячие источники"),
    ];

    private static readonly Dictionary<string, int> NumberWords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["один"] = 1, ["одна"] = 1, ["одного"] = 1, ["одну"] = 1, ["два"] = 2, ["две"] = 2, ["двое"] = 2, ["двоих"] = 2, ["двух"] = 2,
        ["три"] = 3, ["трое"] = 3, ["троих"] = 3, ["трёх"] = 3, ["трех"] = 3, ["четыре"] = 4, ["четверо"] = 4, ["четырёх"] = 4, ["четырех"] = 4,
        ["пять"] = 5, ["пятеро"] = 5, ["пятерых"] = 5, ["шесть"] = 6, ["шестеро"] = 6, ["семь"] = 7, ["семеро"] = 7, ["восемь"] = 8, ["десять"] = 10,
        ["a"] = 1, ["an"] = 1, ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7, ["eight"] = 8, ["ten"] = 10,
        ["ребёнок"] = 1, ["ребенок"] = 1, ["ребёнком"] = 1, ["ребенком"] = 1,
    };

    private const string Num = @"(\d{1,3}|один|одна|одного|одну|два|две|двое|двоих|двух|три|трое|троих|трёх|трех|четыре|четверо|четырёх|четырех|пять|пятеро|пятерых|шесть|шестеро|семь|семеро|восемь|десять|an?|one|two|three|four|five|six|seven|eight|ten)";

    public static TripFacts Parse(string text, DateOnly today)
    {
        var t = (text ?? "").Replace('ё', 'е').Replace('Ё', 'Е');
        var language = DetectLanguage(t);
        var kyrgyz = KyrgyzGreetingRegex().IsMatch(t);
        var facts = new TripFacts
        {
            Language = language,
            LanguageKnown = t.Any(char.IsLetter),
            KyrgyzGreeting = kyrgyz,
            Greeting = kyrgyz || GreetingRegex().IsMatch(t),
            Handoff = DetectHandoff(t),
            Confirms = ConfirmRegex().IsMatch(t),
            Partners = PartnerWords.Where(p => p.Pattern.IsMatch(t)).Select(p => p.Type).ToList(),
        };
        facts = ParseDates(t, today, facts);
        facts = ParseGroup(t, facts);
        facts = ParseBudget(t, facts);
        var region = RegionWords.FirstOrDefault(r => r.Pattern.IsMatch(t)).Region;
        var interests = InterestWords.Where(i => i.Pattern.IsMatch(t)).Select(i => i.Ru).ToList();
        return facts with { Region = region, Interests = interests };
    }

    /// <summary>Latin text is English; Cyrillic with Kyrgyz letters or greetings is Kyrgyz; other Cyrillic is Russian.</summary>
    public static string DetectLanguage(string text)
    {
        int cyrillic = 0, latin = 0;
        foreach (var c in text)
        {
            if (c is >= 'а' and <= 'я' or >= 'А' and <= 'Я' or 'ё' or 'Ё' or 'ң' or 'ө' or 'ү' or 'Ң' or 'Ө' or 'Ү')
            {
                cyrillic++;
            }
            else if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z')
            {
                latin++;
            }
        }

        if (cyrillic == 0 && latin == 0)
        {
            return Languages.Russian;
        }

        if (latin > cyrillic)
        {
            return Languages.English;
        }

        return text.IndexOfAny(['ң', 'ө', 'ү', 'Ң', 'Ө', 'Ү']) >= 0 || KyrgyzGreetingRegex().IsMatch(text) ? Languages.Kyrgyz : Languages.Russian;
    }

    private static HandoffReason? DetectHandoff(string t)
    {
        if (ComplaintRegex().IsMatch(t))
        {
            return HandoffReason.Complaint;
        }

        if (PersonRegex().IsMatch(t))
        {
            return HandoffReason.AskedForPerson;
        }

        return PaymentRegex().IsMatch(t) ? HandoffReason.Payment : null;
    }

    private static TripFacts ParseDates(string t, DateOnly today, TripFacts facts)
    {
        if (MayHolidaysRegex().IsMatch(t))
        {
            var year = YearFor(5, 10, today);
            return facts with { From = new DateOnly(year, 5, 1), To = new DateOnly(year, 5, 10), Month = 5, Year = year, TravelText = "майские праздники" };
        }

        var range = RangeRegex().Match(t);
        if (range.Success && MonthOf(range.Groups["month"].Value) is { } rangeMonth)
        {
            var fromDay = int.Parse(range.Groups["from"].Value, CultureInfo.InvariantCulture);
            var toDay = int.Parse(range.Groups["to"].Value, CultureInfo.InvariantCulture);
            var year = YearFor(rangeMonth, toDay, today);
            var days = DateTime.DaysInMonth(year, rangeMonth);
            if (fromDay >= 1 && toDay >= fromDay && toDay <= days)
            {
                return facts with { From = new DateOnly(year, rangeMonth, fromDay), To = new DateOnly(year, rangeMonth, toDay), Month = rangeMonth, Year = year };
            }
        }

        var englishRange = EnglishRangeRegex().Match(t);
        if (englishRange.Success && MonthOf(englishRange.Groups["month"].Value) is { } enMonth)
        {
            var fromDay = int.Parse(englishRange.Groups["from"].Value, CultureInfo.InvariantCulture);
            var toDay = int.Parse(englishRange.Groups["to"].Value, CultureInfo.InvariantCulture);
            var year = YearFor(enMonth, toDay, today);
            if (fromDay >= 1 && toDay >= fromDay && toDay <= DateTime.DaysInMonth(year, enMonth))
            {
                return facts with { From = new DateOnly(year, enMonth, fromDay), To = new DateOnly(year, enMonth, toDay), Month = enMonth, Year = year };
            }
        }

        var single = MonthRegex().Match(t);
        if (single.Success && MonthOf(single.Groups["month"].Value) is { } month)
        {
            return facts with { Month = month, Year = YearFor(month, today) };
        }

        var season = SeasonRegex().Match(t);
        return season.Success ? facts with { TravelText = season.Value.ToLowerInvariant() } : facts;
    }

    private static TripFacts ParseGroup(string t, TripFacts facts)
    {
        int? adults = null, children = null;
        var a = AdultsRegex().Match(t);
        if (a.Success)
        {
            adults = NumberOf(a.Groups["n"].Value);
        }

        var c = ChildrenRegex().Match(t);
        if (c.Success)
        {
            children = NumberOf(c.Groups["n"].Value);
        }
        else if (OneChildRegex().IsMatch(t))
        {
            children = 1;
        }

        if (adults is null)
        {
            var total = GroupRegex().Match(t);
            if (total.Success && NumberOf(total.Groups["n"].Value) is { } n)
            {
                // "нас 5, из них 2 детей": the total includes the children.
                adults = Math.Max(1, n - (c.Success && t.Contains("из них", StringComparison.OrdinalIgnoreCase) ? children ?? 0 : 0));
            }
        }

        if (adults is > 50 || children is > 50)
        {
            return facts;
        }

        return facts with { Adults = adults, Children = children ?? (adults is not null ? 0 : null) };
    }

    private static TripFacts ParseBudget(string t, TripFacts facts)
    {
        foreach (Match m in BudgetRegex().Matches(t))
        {
            var number = m.Groups["num"].Success && m.Groups["num"].Value.Length > 0 ? m.Groups["num"].Value : m.Groups["num2"].Value;
            var digits = number.Replace(" ", "", StringComparison.Ordinal).Replace("\u00A0", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);
            if (!decimal.TryParse(digits, NumberStyles.Number, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
            {
                continue;
            }

            var thousands = m.Groups["k"].Success && m.Groups["k"].Value.Length > 0;
            if (thousands)
            {
                amount *= 1000;
            }

            var currencyText = (m.Groups["cur"].Value + m.Groups["pre"].Value).ToLowerInvariant();
            var currency = currencyText.Contains('$') || currencyText.StartsWith("дол", StringComparison.Ordinal) || currencyText.StartsWith("usd", StringComparison.Ordinal)
                || currencyText.StartsWith("dollar", StringComparison.Ordinal) || currencyText.StartsWith("бакс", StringComparison.Ordinal)
                ? Money.Usd
                : Money.Kgs;
            return facts with { Budget = amount, Currency = currency };
        }

        var plain = PlainBudgetRegex().Match(t);
        if (plain.Success && decimal.TryParse(plain.Groups["num"].Value.Replace(" ", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture, out var bare) && bare > 0)
        {
            // "бюджет 800" with no currency: small sums are dollars, large ones som — what clients here mean.
            return facts with { Budget = bare, Currency = bare < 5000 ? Money.Usd : Money.Kgs };
        }

        return facts;
    }

    private static int? NumberOf(string word) =>
        int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : NumberWords.TryGetValue(word, out var w) ? w : null;

    private static int? MonthOf(string word)
    {
        foreach (var (pattern, month) in MonthWords)
        {
            if (Regex.IsMatch(word, "^" + pattern, Opts))
            {
                return month;
            }
        }

        return null;
    }

    /// <summary>The next time that month comes: this year if it has not passed, otherwise next year.</summary>
    private static int YearFor(int month, DateOnly today) => month >= today.Month ? today.Year : today.Year + 1;

    /// <summary>For exact dates: this year unless the last day has passed already.</summary>
    private static int YearFor(int month, int lastDay, DateOnly today) =>
        new DateOnly(today.Year, month, Math.Min(lastDay, DateTime.DaysInMonth(today.Year, month))) >= today ? today.Year : today.Year + 1;

    [GeneratedRegex(@"саламатсызбы|салам\b|кандайсыз|куттуктайм|рахмат", Opts)]
    private static partial Regex KyrgyzGreetingRegex();

    [GeneratedRegex(@"здравствуй|здрасте|привет|добрый\s+(день|вечер|утро)|доброе\s+утро|\bhello\b|\bhi\b|\bhey\b|good\s+(morning|afternoon|evening)", Opts)]
    private static partial Regex GreetingRegex();

    [GeneratedRegex(@"жалоб|ужасн|безобраз|недовол|обманул|верните\s+деньги|возврат\s+денег|отвратительн|хамств|complain|terrible|awful|disappointed|refund|rude|scam", Opts)]
    private static partial Regex ComplaintRegex();

    [GeneratedRegex(@"(позов|позвать|зови|соедин|свяж|переключ|дайте|нужен|нужна|хочу|можно)\S*\s+(с\s+)?(живого\s+|живым\s+)?(менеджер|оператор|человек|сотрудник)|живой\s+человек|живым\s+человеком|\b(call|get|want|need|speak\s+to|talk\s+to|connect\s+me\s+(to|with))\s+(a\s+|the\s+|your\s+)?(manager|human|person|operator|agent)|real\s+person", Opts)]
    private static partial Regex PersonRegex();

    [GeneratedRegex(@"\b(да|yes)[\s,!.]+(мы\s+)?(брон|book|бер[еу]м|подтвержда|оформ|we\s+(take|book))|\b(бронируем|бронирую|забронируйте|забронируй|подтверждаем|подтверждаю|оформляем|оформляйте)\b|\bbook\s+(it|us|them|the\s+tour)\b|\bwe('ll|\s+will)?\s+(take|book)\s+it\b|\bwe\s+confirm\b", Opts)]
    private static partial Regex ConfirmRegex();

    [GeneratedRegex(@"оплат|предоплат|реквизит|перевести\s+деньги|как\s+заплатить|счет\s+на\s+оплату|\bpay(ment)?\b|\binvoice\b|bank\s+transfer", Opts)]
    private static partial Regex PaymentRegex();

    [GeneratedRegex(@"майски[ех]|майских\s+праздник|may\s+holidays", Opts)]
    private static partial Regex MayHolidaysRegex();

    [GeneratedRegex(@"(с\s+)?(?<from>\d{1,2})\s*(-|–|—|по|до)\s*(?<to>\d{1,2})\s+(?<month>(январ|феврал|март|апрел|ма[йяе]|июн|июл|август|сентябр|октябр|ноябр|декабр)[а-я]*)", Opts)]
    private static partial Regex RangeRegex();

    [GeneratedRegex(@"(from\s+)?(?<month>(january|february|march|april|may|june|july|august|september|october|november|december))\s+(?<from>\d{1,2})(st|nd|rd|th)?\s*(-|–|to|till|until)\s*(?<to>\d{1,2})|(from\s+)?(?<from>\d{1,2})(st|nd|rd|th)?\s*(-|–|to|till|until)\s*(?<to>\d{1,2})(st|nd|rd|th)?\s+(of\s+)?(?<month>(january|february|march|april|may|june|july|august|september|october|november|december))", Opts)]
    private static partial Regex EnglishRangeRegex();

    [GeneratedRegex(@"(\b(в|во|на|к|с|in|for|during|early|late|mid|end\s+of|начале|конце|середине)\s+)(?<month>(январ|феврал|март|апрел|ма[йяе]|июн|июл|август|сентябр|октябр|ноябр|декабр)[а-я]*|january|february|march|april|may|june|july|august|september|october|november|december)\b", Opts)]
    private static partial Regex MonthRegex();

    [GeneratedRegex(@"летом|зимой|весной|осенью|следующ\S+\s+(лет\S*|год\S*)|in\s+(summer|winter|spring|autumn)|next\s+(summer|year)", Opts)]
    private static partial Regex SeasonRegex();

    [GeneratedRegex(@"\b(?<n>" + Num + @")\s+(взросл\S*|adults?|grown[\s-]?ups?)", Opts)]
    private static partial Regex AdultsRegex();

    [GeneratedRegex(@"\b(?<n>" + Num + @")\s+(дет\S*|ребен\S*|ребят\S*|children|kids?|child)", Opts)]
    private static partial Regex ChildrenRegex();

    [GeneratedRegex(@"(\bи|\bс|\bплюс|\band|\bwith|\bplus|\+)\s+(ребенок|ребенком|дочь|дочкой|сыном|сын|a\s+child|a\s+kid|one\s+child|our\s+child|my\s+child)", Opts)]
    private static partial Regex OneChildRegex();

    [GeneratedRegex(@"\b(нас|группа\s+из|группой\s+из|на)\s+\b(?<n>" + Num + @")(\s+(человек\S*|чел\b|персон\S*))?(?=[\s,.!?]|$)(?!\s*(дн|ноч|сут|мес|час|тыс|сом|\$|дол|usd|kgs|сентябр|октябр|ноябр|декабр|январ|феврал|март|апрел|ма[йяе]|июн|июл|август))|(we\s+are|we're|there\s+are|for|group\s+of)\s+\b(?<n>" + Num + @")(\s+(people|persons|of\s+us|pax))?(?=[\s,.!?]|$)(?!\s*(days?|nights?|hours?|\$|usd|som|january|february|march|april|may|june|july|august|september|october|november|december))|(?<n>\d{1,2})\s+(человек\S*|people|persons|pax)", Opts)]
    private static partial Regex GroupRegex();

    [GeneratedRegex(@"(?<pre>\$)\s?(?<num>\d{1,3}(?:[ ,\u00A0]\d{3})+|\d+)(?<k>\s?k\b)?|(?<num2>\d{1,3}(?:[ \u00A0]\d{3})+|\d{1,3}(?:,\d{3})+|\d+)\s?(?<k>тыс\S*|k\b|к\b)?\s?(?<cur>\$|долл\S*|дол\b|usd|бакс\S*|dollars?|сом\S*|som\b|soms\b|kgs|с\.)", Opts)]
    private static partial Regex BudgetRegex();

    [GeneratedRegex(@"(бюджет\S*|budget)\D{0,15}(?<num>\d{2,3}(?:\s\d{3})+|\d{2,7})", Opts)]
    private static partial Regex PlainBudgetRegex();
}
