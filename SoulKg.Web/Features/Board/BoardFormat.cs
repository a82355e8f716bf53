using System.Globalization;
using Microsoft.AspNetCore.Components;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Funnel;
using SoulKg.Infrastructure.Board;
using SoulKg.Infrastructure.Crm;

namespace SoulKg.Web.Features.Board;

/// <summary>How the board writes dates, money, people and time in a stage, in the circuit's culture.</summary>
public static class BoardFormat
{
    /// <summary>"5–12 июл.", "июль 2027" or the client's own words.</summary>
    public static string? Travel(TravelDates travel, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        if (travel.From is { } from)
        {
            if (travel.To is { } to && to != from)
            {
                return from.Month == to.Month && from.Year == to.Year
                    ? $"{from.Day}–{to.ToString("d MMM", culture)}"
                    : $"{from.ToString("d MMM", culture)} – {to.ToString("d MMM", culture)}";
            }

            return from.ToString("d MMM yyyy", culture);
        }

        if (travel.Month is { } month and >= 1 and <= 12)
        {
            var name = culture.DateTimeFormat.GetMonthName(month);
            return travel.Year is { } year ? $"{name} {year}" : name;
        }

        return string.IsNullOrWhiteSpace(travel.Text) ? null : travel.Text;
    }

    public static string MonthName(int month, CultureInfo? culture = null) =>
        (culture ?? CultureInfo.CurrentCulture).DateTimeFormat.GetMonthName(month);

    /// <summary>"12 500 сом · $800", or "—" for an empty column.</summary>
    public static string Totals(ColumnTotals totals)
    {
        var parts = new List<string>(2);
        if (totals.SumKgs != 0)
        {
            parts.Add(new Domain.Money(totals.SumKgs, Domain.Money.Kgs).Format());
        }

        if (totals.SumUsd != 0)
        {
            parts.Add(new Domain.Money(totals.SumUsd, Domain.Money.Usd).Format());
        }

        return parts.Count == 0 ? "—" : string.Join(" · ", parts);
    }

    public static string Initials(string name)
    {
        var words = name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length switch
        {
            0 => "?",
            1 => words[0][..1].ToUpperInvariant(),
            _ => (words[0][..1] + words[1][..1]).ToUpperInvariant(),
        };
    }

    /// <summary>Whole days in the stage (0 on the first day).</summary>
    public static int DaysIn(DateTimeOffset since, DateTimeOffset now) => Math.Max(0, (int)(now - since).TotalDays);

    public static bool IsStale(BoardCard card, StageItem? stage, DateTimeOffset now) =>
        card.Status == DealStatus.Open && stage is not null && DaysIn(card.StageEnteredAt, now) >= stage.StaleAfterDays;

    /// <summary>The icons of the board, drawn once per page by <see cref="BoardIcons"/> and referenced by id from every card.</summary>
    public static IReadOnlyDictionary<string, string> Icons { get; } = new Dictionary<string, string>
    {
        ["event"] = MudBlazor.Icons.Material.Outlined.Event,
        ["group"] = MudBlazor.Icons.Material.Outlined.Group,
        ["wallet"] = MudBlazor.Icons.Material.Outlined.AccountBalanceWallet,
        ["stale"] = MudBlazor.Icons.Material.Filled.Schedule,
        ["holder"] = MudBlazor.Icons.Material.Outlined.HeadsetMic,
        ["add"] = MudBlazor.Icons.Material.Filled.Add,
        ["src-" + ClientSource.WhatsApp] = MudBlazor.Icons.Custom.Brands.WhatsApp,
        ["src-" + ClientSource.Instagram] = MudBlazor.Icons.Custom.Brands.Instagram,
        ["src-" + ClientSource.Telegram] = MudBlazor.Icons.Custom.Brands.Telegram,
        ["src-" + ClientSource.Site] = MudBlazor.Icons.Material.Filled.Language,
        ["src-" + ClientSource.Phone] = MudBlazor.Icons.Material.Filled.Phone,
        ["src-" + ClientSource.Referral] = MudBlazor.Icons.Material.Filled.Recommend,
        ["src-" + ClientSource.Partner] = MudBlazor.Icons.Material.Filled.Handshake,
        ["src-" + ClientSource.Import] = MudBlazor.Icons.Material.Filled.UploadFile,
        ["src-" + ClientSource.Other] = MudBlazor.Icons.Material.Filled.HelpOutline,
    };

    /// <summary>
    /// <c>&lt;svg&gt;&lt;use href="#board-ico-…"&gt;</c>: a few bytes per icon instead of the whole path, on a board of
    /// hundreds of cards with four or five icons each.
    /// </summary>
    public static RenderFragment Icon(string id) => builder =>
    {
        builder.OpenElement(0, "svg");
        builder.AddAttribute(1, "class", "board-ico");
        builder.AddAttribute(2, "aria-hidden", "true");
        builder.OpenElement(3, "use");
        builder.AddAttribute(4, "href", "#board-ico-" + id);
        builder.CloseElement();
        builder.CloseElement();
    };

    public static string SourceIcon(ClientSource source) => "src-" + source;
}
