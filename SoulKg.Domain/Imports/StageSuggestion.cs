using SoulKg.Domain.Funnel;

namespace SoulKg.Domain.Imports;

/// <summary>One message of an imported chat, as the stage suggestion sees it.</summary>
public sealed record ChatLine(bool Ours, string Text, DateTimeOffset At);

/// <summary>
/// Where an imported chat probably stands in the funnel, from its words and its age. It is only a suggestion: the deal is
/// flagged for a person to confirm. Paid and over → feedback (long over → repeat sale); paid and recent → sale; a
/// discount asked after a price → negotiation; a price sent → proposal; otherwise a client waiting for an answer or a
/// conversation under way → qualification; a single unanswered message → new lead.
/// </summary>
public static class StageSuggestion
{
    private static readonly string[] Paid =
    [
        "оплатил", "оплатила", "оплачено", "оплата прошла", "предоплату внес", "внесли предоплату", "перевел", "перевёл", "перевела", "paid", "payment received",
        "deposit sent", "transferred", "төлөдүм", "забронированы", "вы забронированы", "бронь подтверждена", "booking confirmed", "you are booked",
    ];

    private static readonly string[] Thanks = ["спасибо за тур", "спасибо большое за тур", "thank you for the tour", "thanks for the trip", "рахмат", "понравилось", "были в восторге", "great trip", "amazing trip", "отзыв", "review"];
    private static readonly string[] Discount = ["скидк", "дешевле", "дорого", "discount", "cheaper", "too expensive", "арзан", "торг"];
    private static readonly string[] Money = ["сом", "kgs", "usd", "$", "долл", "руб", "€", "eur", "тенге", "per person", "с человека"];

    public static StageKind Suggest(IReadOnlyList<ChatLine> lines, DateTimeOffset now)
    {
        if (lines.Count == 0)
        {
            return StageKind.NewLead;
        }

        var last = lines[^1];
        var paidAt = lines.LastOrDefault(l => Has(l.Text, Paid))?.At;
        if (paidAt is { } paid)
        {
            var thanked = lines.Any(l => !l.Ours && l.At > paid && Has(l.Text, Thanks));
            var age = now - last.At;
            if (thanked || age > TimeSpan.FromDays(30))
            {
                return age > TimeSpan.FromDays(180) ? StageKind.RepeatSale : StageKind.Feedback;
            }

            return StageKind.Sale;
        }

        var priceAt = lines.LastOrDefault(l => l.Ours && HasPrice(l.Text))?.At;
        if (priceAt is { } price)
        {
            return lines.Any(l => !l.Ours && l.At >= price && Has(l.Text, Discount)) ? StageKind.Negotiation : StageKind.Proposal;
        }

        return lines.Any(l => l.Ours) || lines.Count(l => !l.Ours) > 1 || last.Text.Contains('?') ? StageKind.Qualification : StageKind.NewLead;
    }

    private static bool Has(string text, string[] words) => words.Any(w => text.Contains(w, StringComparison.OrdinalIgnoreCase));

    private static bool HasPrice(string text) => text.Any(char.IsDigit) && Has(text, Money);
}
