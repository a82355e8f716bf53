using System.Globalization;
using System.Text;

namespace SoulKg.Domain.Handoffs;

/// <summary>A partner's WhatsApp answer, read as yes or no.</summary>
public sealed record PartnerAnswer(bool Accepts, string? Reason);

/// <summary>The pure rules of a handoff: reading answers, recording outcomes, composing the messages.</summary>
public static class HandoffRules
{
    private static readonly HashSet<string> Yes = ["да", "yes", "ооба", "ооба.", "ok", "ок", "беру", "согласен", "согласна", "y", "+"];
    private static readonly HashSet<string> No = ["нет", "no", "жок", "n", "-", "не", "занят", "занята"];

    /// <summary>
    /// "да", "Да, беру", "yes", "ооба" accept; "нет", "нет, занят", "no", "жок" decline (the rest of the text is the reason).
    /// Anything else is not an answer: the partner may be asking a question, which a person reads in the chat.
    /// </summary>
    public static PartnerAnswer? ParseAnswer(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var trimmed = text.Trim();
        var end = 0;
        while (end < trimmed.Length && (char.IsLetter(trimmed[end]) || (end == 0 && trimmed[end] is '+' or '-')))
        {
            end++;
        }

        var first = trimmed[..end].ToLower(CultureInfo.GetCultureInfo("ru-RU")).Normalize(NormalizationForm.FormC);
        var rest = trimmed[end..].TrimStart(' ', ',', '.', '!', '-', '—', ':', ';').Trim();
        if (Yes.Contains(first))
        {
            return new PartnerAnswer(true, null);
        }

        return No.Contains(first) ? new PartnerAnswer(false, rest.Length == 0 ? null : Limit(rest, 500)) : null;
    }

    /// <summary>Records the partner's answer; throws when the handoff is no longer open or its time ran out.</summary>
    public static void Respond(Handoff handoff, bool accepts, string? reason, HandoffChannel via, DateTimeOffset now)
    {
        if (handoff.Status == HandoffStatus.Pending && now >= handoff.ExpiresAt)
        {
            throw DomainException.Conflict("token", "Время ответа истекло: запрос уже передан другому партнёру или менеджеру.");
        }

        if (handoff.Status != HandoffStatus.Pending)
        {
            throw DomainException.Conflict("status", handoff.Status switch
            {
                HandoffStatus.Accepted => "Вы уже приняли этот запрос.",
                HandoffStatus.Declined => "Вы уже отказались от этого запроса.",
                HandoffStatus.Expired => "Время ответа истекло.",
                _ => "Запрос отозван.",
            });
        }

        handoff.Status = accepts ? HandoffStatus.Accepted : HandoffStatus.Declined;
        handoff.RespondedAt = now;
        handoff.RespondedVia = via;
        handoff.Reason = string.IsNullOrWhiteSpace(reason) ? null : Limit(reason.Trim(), 500);
    }

    public static void Expire(Handoff handoff, DateTimeOffset now)
    {
        handoff.Status = HandoffStatus.Expired;
        handoff.RespondedAt = now;
        handoff.RespondedVia = HandoffChannel.Sla;
    }

    /// <summary>The WhatsApp text of the card: short, in Russian, with the one-time link and how to answer.</summary>
    public static string CardMessage(string orgName, HandoffCard card, string link, DateTimeOffset expiresAt)
    {
        var text = new StringBuilder();
        text.Append("Здравствуйте! ").Append(orgName).AppendLine(" предлагает вам группу.");
        text.Append("Клиент: ").AppendLine(card.ClientFirstName);
        if (card.Tour is { } tour)
        {
            text.Append("Тур: ").AppendLine(tour);
        }

        if (card.Dates is { } dates)
        {
            text.Append("Даты: ").AppendLine(dates);
        }

        text.Append("Группа: ").AppendLine(Group(card));
        if (card.Pickup is { } pickup)
        {
            text.Append("Встреча: ").AppendLine(pickup);
        }

        if (card.Notes is { } notes)
        {
            text.Append("Примечания: ").AppendLine(notes);
        }

        text.AppendLine().Append("Ответьте «да» или «нет» (ооба / жок) до ")
            .Append(BishkekTime.ToLocal(expiresAt).ToString("d MMMM HH:mm", CultureInfo.GetCultureInfo("ru-RU")))
            .AppendLine(", или откройте ссылку:").Append(link);
        return text.ToString();
    }

    /// <summary>No link here: only its hash is stored, and the card just above in the chat carries it.</summary>
    public static string ReminderMessage(HandoffCard card) =>
        $"Напоминаем: ждём ваш ответ по группе {card.ClientFirstName}{(card.Dates is { } d ? $" ({d})" : "")}. Ответьте «да» или «нет», или откройте ссылку из сообщения выше.";

    public static string ConfirmationMessage(bool accepted, HandoffCard card, string? clientPhone) => accepted
        ? $"Спасибо! Группа {card.ClientFirstName} за вами." + (clientPhone is { } phone ? $" Телефон клиента: {phone}." : "")
        : "Спасибо за ответ, поняли вас.";

    public static string Group(HandoffCard card) =>
        card.Children > 0 ? $"{card.Adults} взр. + {card.Children} дет." : $"{card.Adults} взр.";

    /// <summary>"Айгуль Асанова" → "Айгуль": the partner needs a name to greet, not the full identity.</summary>
    public static string FirstName(string fullName)
    {
        var name = fullName.Trim();
        var space = name.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 ? name[..space] : name;
    }

    private static string Limit(string value, int length) => value.Length <= length ? value : value[..length];
}
