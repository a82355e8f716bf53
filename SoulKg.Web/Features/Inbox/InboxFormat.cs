using System.Globalization;
using Microsoft.Extensions.Localization;
using SoulKg.Domain;
using SoulKg.Domain.Conversations;
using SoulKg.Infrastructure.Conversations;

namespace SoulKg.Web.Features.Inbox;

/// <summary>A message in the view, with whether it opens a new day (Asia/Bishkek) so the view can draw the day header.</summary>
public sealed record MessageRow(MessageItem Message, bool StartsDay);

/// <summary>What the composer hands over: the text, and whether it is an internal note.</summary>
public sealed record ComposerSubmit(string Text, bool IsNote);

/// <summary>How the inbox writes times, days and who holds a chat.</summary>
public static class InboxFormat
{
    public static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(BishkekTime.ToLocal(at).DateTime);

    public static string Time(DateTimeOffset at) => BishkekTime.ToLocal(at).ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>"Сегодня", "Вчера", "12 ноября", "12 ноября 2025" (another year).</summary>
    public static string DayHeader(DateOnly day, DateOnly today, IStringLocalizer l) =>
        day == today ? l["InboxToday"]
        : day == today.AddDays(-1) ? l["InboxYesterday"]
        : day.ToString(day.Year == today.Year ? "d MMMM" : "d MMMM yyyy", CultureInfo.CurrentUICulture);

    /// <summary>For the list: the time today, "вчера", or a short date.</summary>
    public static string ListStamp(DateTimeOffset at, DateOnly today, IStringLocalizer l)
    {
        var day = Day(at);
        return day == today ? Time(at)
            : day == today.AddDays(-1) ? l["InboxYesterday"].Value.ToLower(CultureInfo.CurrentUICulture)
            : day.ToString(day.Year == today.Year ? "d MMM" : "dd.MM.yy", CultureInfo.CurrentUICulture);
    }

    public static DateOnly Today(TimeProvider clock) => Day(clock.GetUtcNow());

    public static string HolderLabel(ConversationItem c, Guid? me, IStringLocalizer l) => c.Holder switch
    {
        Holder.AiActive => l["InboxHolderAi"],
        Holder.WaitingForHuman => l["InboxHolderWaiting"],
        Holder.Human when c.HolderUserId == me => l["InboxHolderMe"],
        Holder.Human => c.HolderName ?? l["InboxHolderOperator"],
        _ => l["InboxHolderClosed"],
    };

    public static string HolderClass(ConversationItem c, Guid? me) => c.Holder switch
    {
        Holder.AiActive => "holder-ai",
        Holder.WaitingForHuman => "holder-waiting",
        Holder.Human when c.HolderUserId == me => "holder-me",
        Holder.Human => "holder-other",
        _ => "holder-closed",
    };

    public static string Title(ConversationItem c) => c.IsGroup && !string.IsNullOrWhiteSpace(c.Title) ? c.Title : c.ClientName;

    public static string Initials(string name)
    {
        var parts = name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var letters = parts.Take(2).Select(p => p[0]).Where(char.IsLetterOrDigit).ToArray();
        return letters.Length == 0 ? "?" : new string(letters).ToUpper(CultureInfo.CurrentUICulture);
    }
}
