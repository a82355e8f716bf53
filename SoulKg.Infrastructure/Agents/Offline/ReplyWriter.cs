using System.Globalization;
using SoulKg.Domain;
using SoulKg.Domain.Agents;
using SoulKg.Domain.Partners;
using SoulKg.Infrastructure.Agents.Tools;

namespace SoulKg.Infrastructure.Agents.Offline;

/// <summary>The offline model's replies: short, in the client's language (Kyrgyz gets a Kyrgyz greeting and Russian text).</summary>
internal sealed class ReplyWriter(TripFacts facts, bool spokeBefore)
{
    private static readonly CultureInfo Ru = CultureInfo.GetCultureInfo("ru-RU");
    private static readonly CultureInfo En = CultureInfo.GetCultureInfo("en-US");

    private bool English(TripContext? context) =>
        (facts.LanguageKnown ? facts.Language : context?.Language ?? Languages.Russian) == Languages.English;

    private string Greeting(TripContext? context)
    {
        if (spokeBefore && !facts.Greeting)
        {
            return "";
        }

        if (facts.KyrgyzGreeting || (facts.LanguageKnown && facts.Language == Languages.Kyrgyz))
        {
            return "Саламатсызбы! ";
        }

        return English(context) ? "Hello! " : "Здравствуйте! ";
    }

    public string HandOff(HandoffReason reason)
    {
        var english = English(null);
        return reason switch
        {
            HandoffReason.Complaint => english
                ? "I am very sorry about this. I am passing your message to a manager, who will contact you shortly."
                : "Очень жаль, что так вышло. Передаю ваше обращение менеджеру — он свяжется с вами в ближайшее время.",
            HandoffReason.Payment => english
                ? "A manager will help you with the payment — I am passing the chat to them."
                : "По оплате вам поможет менеджер — передаю ему чат.",
            HandoffReason.AskedForPerson => english
                ? "Of course! I am passing the chat to a manager, who will reply shortly."
                : "Конечно! Передаю чат менеджеру — он ответит вам в ближайшее время.",
            _ => english
                ? "Let me check this with my colleagues — a manager will reply to you shortly."
                : "Уточню этот вопрос у коллег — менеджер ответит вам в ближайшее время.",
        };
    }

    /// <summary>The client confirmed and the partners got the card: say so, and that the answer comes here.</summary>
    public string PartnersAsked(IReadOnlyList<string> types)
    {
        var english = English(null);
        var who = types.Distinct().Select(t => (t, english) switch
        {
            (nameof(PartnerType.Accommodation), true) => "the accommodation",
            (nameof(PartnerType.Transport), true) => "the driver",
            (_, true) => "our guide",
            (nameof(PartnerType.Accommodation), false) => "месту размещения",
            (nameof(PartnerType.Transport), false) => "водителю",
            _ => "нашему гиду",
        });
        return english
            ? $"Great, we are booking! I have sent the details to {string.Join(" and ", who)} and will write to you as soon as they confirm."
            : $"Отлично, бронируем! Я передала данные {string.Join(" и ", who)} и напишу вам, как только подтвердят.";
    }

    public string AskMissing(TripContext? context)
    {
        var english = English(context);
        var text = Greeting(context) + Recorded(context, english);
        if (context is null)
        {
            return text + (english
                ? "Tell me, please, where and when you would like to go and how many of you there will be."
                : "Расскажите, пожалуйста, куда и когда хотите поехать и сколько вас будет.");
        }

        var questions = context.Missing.Select(m => (m, english) switch
        {
            (TripContext.MissingDates, true) => "when would you like to travel — dates or at least the month?",
            (TripContext.MissingGroup, true) => "how many of you will there be — adults and children?",
            (TripContext.MissingBudget, true) => "what budget per person do you have in mind?",
            (TripContext.MissingRegion, true) => "which destination do you prefer — Issyk-Kul, Song-Kul, Karakol or another?",
            (TripContext.MissingDates, false) => "когда планируете поездку — даты или хотя бы месяц?",
            (TripContext.MissingGroup, false) => "сколько вас будет — взрослых и детей?",
            (TripContext.MissingBudget, false) => "какой бюджет на человека?",
            (TripContext.MissingRegion, false) => "какое направление интересует — Иссык-Куль, Сон-Куль, Каракол или другое?",
            _ => null,
        }).OfType<string>().ToList();
        if (questions.Count == 0)
        {
            return text + (english ? "Thank you! I will pick options and come back with an offer." : "Спасибо! Подберу варианты и вернусь с предложением.");
        }

        return text + (english ? "Could you tell me: " : "Подскажите, пожалуйста: ") + string.Join(" ", questions.Select((q, i) => i == 0 ? q : Capital(q)));
    }

    public string Offer(TripContext? context, SearchResult search)
    {
        var english = English(context);
        var lines = new List<string> { Greeting(context) + Recorded(context, english) + (english ? "These tours fit your request:" : "Под ваш запрос подходят:") };
        var n = 1;
        foreach (var tour in search.Tours)
        {
            var name = english ? tour.NameEn ?? tour.Name : tour.Name;
            var price = Price(tour, context?.BudgetCurrency, english);
            var dates = tour.Departures.Count == 0 ? ""
                : (english ? ", dates: " : ", даты: ") + string.Join(", ", tour.Departures.Select(d => d.Start.ToString(english ? "MMM d" : "dd.MM", english ? En : Ru)));
            lines.Add(english
                ? $"{n++}. {name} — {tour.Days} {(tour.Days == 1 ? "day" : "days")}{(price is null ? "" : $", {price} per person")}{dates}"
                : $"{n++}. {name} — {tour.Days} дн.{(price is null ? "" : $", {price} с человека")}{dates}");
        }

        var budgetHint = context is not null && context.Missing.Contains(TripContext.MissingBudget)
            ? english ? " If you tell me your budget, I will narrow it down." : " Если подскажете бюджет, подберу точнее."
            : "";
        lines.Add((english ? "Which one do you like? I can book seats for you." : "Какой вариант вам ближе? Могу забронировать места.") + budgetHint);
        return string.Join("\n", lines);
    }

    public string NothingFits(TripContext? context)
    {
        var english = English(context);
        return Greeting(context) + Recorded(context, english) + (english
            ? "Unfortunately no tour fits these conditions right now. We could shift the dates, the budget or the destination — what suits you?"
            : "К сожалению, под эти условия сейчас нет подходящих туров. Можно сдвинуть даты, бюджет или направление — что вам удобнее?");
    }

    /// <summary>"Записала: июль, Иссык-Куль, 4 взрослых и 1 ребёнок, бюджет до $800. " — only when this message brought facts.</summary>
    private string Recorded(TripContext? context, bool english)
    {
        if (context is null || !facts.HasTripFacts)
        {
            return "";
        }

        var culture = english ? En : Ru;
        var parts = new List<string>();
        if (context.From is { } from)
        {
            parts.Add(context.To is { } to && to != from
                ? english ? $"{from.ToString("MMM d", En)}–{to.ToString("MMM d", En)}" : $"{from.Day}–{to.ToString("d MMMM", Ru)}"
                : from.ToString(english ? "MMM d" : "d MMMM", culture));
        }
        else if (context.Month is { } month)
        {
            parts.Add(english ? En.DateTimeFormat.GetMonthName(month) : Ru.DateTimeFormat.GetMonthName(month).ToLower(Ru));
        }
        else if (context.TravelText is { } travel)
        {
            parts.Add(travel);
        }

        if (context.Region is { } region)
        {
            parts.Add(english ? RegionEn(region) : region);
        }

        if (context.Adults + context.Children > 0)
        {
            parts.Add(english
                ? $"{context.Adults} {(context.Adults == 1 ? "adult" : "adults")}" + (context.Children > 0 ? $" and {context.Children} {(context.Children == 1 ? "child" : "children")}" : "")
                : $"{context.Adults} {Plural(context.Adults, "взрослый", "взрослых", "взрослых")}" + (context.Children > 0 ? $" и {context.Children} {Plural(context.Children, "ребёнок", "ребёнка", "детей")}" : ""));
        }

        if (context.BudgetAmount is { } amount && context.BudgetCurrency is { } currency)
        {
            var money = new Money(amount, currency).Format(culture);
            parts.Add(english ? $"budget up to {money}" : $"бюджет до {money}");
        }

        return parts.Count == 0 ? "" : (english ? "Noted: " : "Записала: ") + string.Join(", ", parts) + ". ";
    }

    private static string? Price(TourOption tour, string? currency, bool english)
    {
        var culture = english ? En : Ru;
        if (currency == Money.Kgs && tour.PriceKgs is { } kgs)
        {
            return new Money(kgs, Money.Kgs).Format(culture);
        }

        if (tour.PriceUsd is { } usd)
        {
            return new Money(usd, Money.Usd).Format(culture);
        }

        return tour.PriceKgs is { } som ? new Money(som, Money.Kgs).Format(culture) : null;
    }

    private static string RegionEn(string region) => region switch
    {
        "Иссык-Куль" => "Issyk-Kul",
        "Сон-Куль" => "Song-Kul",
        "Каракол" => "Karakol",
        "Ала-Арча" => "Ala-Archa",
        "Бишкек" => "Bishkek",
        "Таш-Рабат" => "Tash-Rabat",
        "Кель-Суу" => "Kel-Suu",
        "Нарын" => "Naryn",
        "Ош" => "Osh",
        "Пик Ленина" => "Lenin Peak",
        "Чон-Кемин" => "Chon-Kemin",
        "Сказка" => "Skazka canyon",
        _ => region,
    };

    private static string Plural(int n, string one, string few, string many) =>
        (n % 10, n % 100) switch
        {
            (1, not 11) => one,
            (2 or 3 or 4, not (12 or 13 or 14)) => few,
            _ => many,
        };

    private static string Capital(string s) => s.Length == 0 ? s : char.ToUpper(s[0], CultureInfo.InvariantCulture) + s[1..];
}
