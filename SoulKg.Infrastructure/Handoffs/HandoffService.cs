using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SoulKg.Domain;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Handoffs;
using SoulKg.Domain.Partners;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Handoffs;

/// <summary>
/// Handing a deal's client to partners: suggestions, sending the card (one transaction with its outbox message), the
/// history per deal and per partner, and the org's SLA settings. Answers are recorded by <see cref="HandoffResponder"/>.
/// </summary>
public sealed class HandoffService(IDbContextFactory<SoulKgDbContext> factory, OrgContext org, TimeProvider clock)
{
    public async Task<IReadOnlyList<PartnerSuggestion>> SuggestAsync(Guid dealId, PartnerType? type, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await SuggestAsync(db, dealId, type, ct);
    }

    internal static async Task<IReadOnlyList<PartnerSuggestion>> SuggestAsync(SoulKgDbContext db, Guid dealId, PartnerType? type, CancellationToken ct)
    {
        var deal = await db.Deals.AsNoTracking().FirstOrDefaultAsync(d => d.Id == dealId, ct) ?? throw DomainException.NotFound("dealId", "Сделка не найдена.");
        var language = await db.Clients.Where(c => c.Id == deal.ClientId).Select(c => c.Language).FirstOrDefaultAsync(ct);
        var regions = await db.Tours.Where(t => deal.TourIds.Contains(t.Id)).Select(t => t.Region).ToListAsync(ct);
        if (!string.IsNullOrWhiteSpace(deal.Region))
        {
            regions.Add(deal.Region);
        }

        var partners = await db.Partners.AsNoTracking().Where(p => p.IsActive && p.WhatsAppPhone != null)
            .Where(p => type == null || p.Type == type).ToListAsync(ct);
        var ids = partners.Select(p => p.Id).ToList();
        var history = await db.Handoffs.AsNoTracking().Where(h => ids.Contains(h.PartnerId)).ToListAsync(ct);
        var byPartner = history.ToLookup(h => h.PartnerId);
        var suggestions = new List<PartnerSuggestion>();
        foreach (var p in partners)
        {
            var stats = Stats(p.Id, byPartner[p.Id]);
            var reasons = new List<string>();
            double score = 0;
            if (p.Regions.Any(r => regions.Contains(r, StringComparer.OrdinalIgnoreCase)))
            {
                score += 3;
                reasons.Add("работает в регионе тура");
            }

            if (language is not null && p.Languages.Contains(language))
            {
                score += 2;
                reasons.Add("говорит на языке клиента");
            }

            score += 3 * (stats.AcceptanceRate ?? 0.5);
            if (stats.AcceptanceRate is { } rate)
            {
                reasons.Add($"принимает {rate:P0} запросов");
            }

            score += (double)(p.Rating ?? 2.5m) / 5;
            var busy = byPartner[p.Id].Any(h => h.DealId != dealId && h.Status == HandoffStatus.Accepted && Overlaps(h.Card, deal.Travel));
            if (busy)
            {
                score -= 5;
                reasons.Add("занят в эти даты");
            }

            var asked = byPartner[p.Id].Any(h => h.DealId == dealId);
            if (asked)
            {
                score -= 10;
                reasons.Add("уже получал запрос по этой сделке");
            }

            suggestions.Add(new PartnerSuggestion(p.Id, p.Name, p.Type, p.Regions, p.Languages, p.Rating, Math.Round(score, 2), stats.AcceptanceRate,
                stats.AverageResponseMinutes, busy, asked, reasons));
        }

        return suggestions.OrderByDescending(s => s.Score).ThenBy(s => s.Name, StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlyList<CreatedHandoff>> CreateAsync(HandoffInput input, string linkBase, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var created = await CreateAsync(db, org, input, linkBase, clock.GetUtcNow(), ct);
        await transaction.CommitAsync(ct);
        return created;
    }

    /// <summary>Sends the card to each partner inside the caller's transaction (the SLA sweep uses it to offer the next partner).</summary>
    internal static async Task<IReadOnlyList<CreatedHandoff>> CreateAsync(
        SoulKgDbContext db, OrgContext org, HandoffInput input, string linkBase, DateTimeOffset now, CancellationToken ct)
    {
        var deal = await db.Deals.AsNoTracking().FirstOrDefaultAsync(d => d.Id == input.DealId, ct) ?? throw DomainException.NotFound("dealId", "Сделка не найдена.");
        if (deal.Status == DealStatus.Lost)
        {
            throw DomainException.Conflict("dealId", "Сделка закрыта как отказ: передавать партнёру нечего.");
        }

        var clientName = await db.Clients.Where(c => c.Id == deal.ClientId).Select(c => c.Name).FirstAsync(ct);
        var tours = await db.Tours.Where(t => deal.TourIds.Contains(t.Id)).Select(t => t.NameRu).ToListAsync(ct);
        var settings = await SettingsAsync(db, ct);
        var orgName = await db.Organizations.Where(o => o.Id == org.RequiredOrgId).Select(o => o.Name).FirstAsync(ct);
        var channel = await PartnerChats.ChannelAsync(db, ct);
        var card = new HandoffCard
        {
            ClientFirstName = HandoffRules.FirstName(clientName),
            Tour = tours.Count > 0 ? string.Join(", ", tours) : deal.Title,
            Dates = Dates(deal.Travel),
            From = deal.Travel.From,
            To = deal.Travel.To,
            Adults = deal.Adults,
            Children = deal.Children,
            Pickup = string.IsNullOrWhiteSpace(input.Pickup) ? deal.PickupCity : input.Pickup.Trim(),
            Notes = string.IsNullOrWhiteSpace(input.Notes) ? null : input.Notes.Trim(),
        };

        var result = new List<CreatedHandoff>();
        foreach (var partnerId in input.PartnerIds)
        {
            var partner = await db.Partners.FirstOrDefaultAsync(p => p.Id == partnerId, ct) ?? throw DomainException.NotFound("partnerIds", "Партнёр не найден.");
            if (!partner.IsActive)
            {
                throw DomainException.Conflict("partnerIds", $"Партнёр «{partner.Name}» не активен.");
            }

            if (await db.Handoffs.AnyAsync(h => h.DealId == deal.Id && h.PartnerId == partnerId && h.Status == HandoffStatus.Pending, ct))
            {
                throw DomainException.Conflict("partnerIds", $"«{partner.Name}» уже ждёт ответа по этой сделке.");
            }

            var chat = await PartnerChats.EnsureAsync(db, channel.Id, partner, now, ct);
            var token = HandoffTokens.Create(org.RequiredOrgId);
            var link = HandoffTokens.Link(linkBase, token);
            var handoff = new Handoff
            {
                DealId = deal.Id, PartnerId = partner.Id, ConversationId = chat.Id, Status = HandoffStatus.Pending, Card = card,
                RevealPhoneOnAccept = settings.RevealPhoneOnAccept, TokenHash = HandoffTokens.Hash(token), LinkBase = linkBase.TrimEnd('/'),
                CreatedAt = now, ExpiresAt = now.AddMinutes(settings.SlaMinutes), CreatedByUserId = org.UserId, CreatedByName = org.ActorName,
            };
            handoff.MessageId = PartnerChats.Enqueue(db, chat, HandoffRules.CardMessage(orgName, card, link, handoff.ExpiresAt), now).Id;
            db.Handoffs.Add(handoff);
            db.TimelineEvents.Add(Timeline.Event(org, deal.ClientId, deal.Id, TimelineKind.PartnerAssigned, $"Запрос партнёру «{partner.Name}» отправлен в WhatsApp", now));
            await db.SaveChangesAsync(ct);
            result.Add(new CreatedHandoff(ToItem(handoff, partner), link));
        }

        return result;
    }

    public async Task<CursorPage<HandoffItem>> ListAsync(HandoffQuery query, string? cursor, int? limit, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var handoffs = db.Handoffs.AsNoTracking();
        if (query.DealId is { } deal)
        {
            handoffs = handoffs.Where(h => h.DealId == deal);
        }

        if (query.PartnerId is { } partner)
        {
            handoffs = handoffs.Where(h => h.PartnerId == partner);
        }

        if (query.Status is { } status)
        {
            handoffs = handoffs.Where(h => h.Status == status);
        }

        if (Cursor.TryDecode(cursor, out var at, out var id))
        {
            handoffs = handoffs.Where(h => h.CreatedAt < at || (h.CreatedAt == at && h.Id.CompareTo(id) < 0));
        }

        var take = Cursor.Limit(limit);
        var rows = await (from h in handoffs.OrderByDescending(h => h.CreatedAt).ThenByDescending(h => h.Id).Take(take + 1)
                          join p in db.Partners on h.PartnerId equals p.Id
                          select new { h, p }).ToListAsync(ct);
        rows = rows.OrderByDescending(r => r.h.CreatedAt).ThenByDescending(r => r.h.Id).ToList();
        return Cursor.Page(rows, take, r => r.h.CreatedAt, r => r.h.Id, r => ToItem(r.h, r.p));
    }

    public async Task<IReadOnlyList<HandoffItem>> ForDealAsync(Guid dealId, CancellationToken ct = default) =>
        (await ListAsync(new HandoffQuery { DealId = dealId }, null, Cursor.MaxLimit, ct)).Items;

    public async Task<HandoffDetails?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await (from h in db.Handoffs.AsNoTracking() join p in db.Partners on h.PartnerId equals p.Id where h.Id == id select new { h, p })
            .FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }

        // The partner chat from this card until the outcome (or now): the card, reminders, the partner's answer, our confirmation.
        var until = row.h.RespondedAt?.AddHours(1) ?? DateTimeOffset.MaxValue;
        var messages = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == row.h.ConversationId && m.SentAt >= row.h.CreatedAt && m.SentAt <= until)
            .OrderBy(m => m.SentAt).ThenBy(m => m.Id).Take(100).ToListAsync(ct);
        return new HandoffDetails(ToItem(row.h, row.p), messages.Select(ConversationService.ToItem).ToList());
    }

    public async Task<PartnerHandoffStats> StatsAsync(Guid partnerId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!await db.Partners.AnyAsync(p => p.Id == partnerId, ct))
        {
            throw DomainException.NotFound("id", "Партнёр не найден.");
        }

        return Stats(partnerId, await db.Handoffs.AsNoTracking().Where(h => h.PartnerId == partnerId).ToListAsync(ct));
    }

    /// <summary>Withdraws an unanswered request and tells the partner.</summary>
    public async Task<HandoffItem> CancelAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var handoff = await HandoffResponder.LockAsync(db, id, ct);
        if (handoff.Status != HandoffStatus.Pending)
        {
            throw DomainException.Conflict("status", "Отозвать можно только запрос, на который ещё не ответили.");
        }

        var now = clock.GetUtcNow();
        handoff.Status = HandoffStatus.Cancelled;
        handoff.RespondedAt = now;
        handoff.RespondedVia = HandoffChannel.Staff;
        if (await db.Conversations.FirstOrDefaultAsync(c => c.Id == handoff.ConversationId, ct) is { } chat)
        {
            PartnerChats.Enqueue(db, chat, $"Запрос по группе {handoff.Card.ClientFirstName} отменён, отвечать не нужно. Спасибо!", now);
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        var partner = await db.Partners.AsNoTracking().FirstAsync(p => p.Id == handoff.PartnerId, ct);
        return ToItem(handoff, partner);
    }

    public async Task<HandoffSettingsInput> GetSettingsAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var s = await SettingsAsync(db, ct);
        return new HandoffSettingsInput { SlaMinutes = s.SlaMinutes, ReminderMinutes = s.ReminderMinutes, Escalation = s.Escalation, RevealPhoneOnAccept = s.RevealPhoneOnAccept };
    }

    public async Task<HandoffSettingsInput> SaveSettingsAsync(HandoffSettingsInput input, CancellationToken ct = default)
    {
        // The endpoint validates too; this covers the settings page, which calls the service directly.
        var result = new HandoffSettingsInputValidator().Validate(input);
        if (!result.IsValid)
        {
            var error = result.Errors[0];
            throw DomainException.Invalid(char.ToLowerInvariant(error.PropertyName[0]) + error.PropertyName[1..], error.ErrorMessage);
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var settings = await db.HandoffSettings.FirstOrDefaultAsync(ct);
        if (settings is null)
        {
            settings = new HandoffSettings();
            db.HandoffSettings.Add(settings);
        }

        settings.SlaMinutes = input.SlaMinutes;
        settings.ReminderMinutes = input.ReminderMinutes;
        settings.Escalation = input.Escalation;
        settings.RevealPhoneOnAccept = input.RevealPhoneOnAccept;
        settings.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return input;
    }

    /// <summary>The org's settings, or the defaults (2 hours, a reminder after 1, offer the next partner, phone after acceptance).</summary>
    internal static async Task<HandoffSettings> SettingsAsync(SoulKgDbContext db, CancellationToken ct) =>
        await db.HandoffSettings.AsNoTracking().FirstOrDefaultAsync(ct) ?? new HandoffSettings();

    internal static PartnerHandoffStats Stats(Guid partnerId, IEnumerable<Handoff> handoffs)
    {
        var list = handoffs.Where(h => h.Status != HandoffStatus.Cancelled).ToList();
        int Count(HandoffStatus s) => list.Count(h => h.Status == s);
        var (accepted, declined, expired) = (Count(HandoffStatus.Accepted), Count(HandoffStatus.Declined), Count(HandoffStatus.Expired));
        var decided = accepted + declined + expired;
        var answered = list.Where(h => h.RespondedAt is not null && h.RespondedVia is HandoffChannel.Link or HandoffChannel.WhatsApp or HandoffChannel.Staff
            && h.Status is HandoffStatus.Accepted or HandoffStatus.Declined).Select(h => (h.RespondedAt!.Value - h.CreatedAt).TotalMinutes).ToList();
        return new PartnerHandoffStats(partnerId, list.Count, accepted, declined, expired, Count(HandoffStatus.Pending),
            decided == 0 ? null : Math.Round((double)accepted / decided, 3), answered.Count == 0 ? null : Math.Round(answered.Average(), 1));
    }

    internal static HandoffItem ToItem(Handoff h, Partner p) =>
        new(h.Id, h.DealId, h.PartnerId, p.Name, p.Type, h.Status, h.Card, h.CreatedAt, h.ExpiresAt, h.RemindedAt, h.RespondedAt, h.RespondedVia,
            h.Reason, h.NextHandoffId, h.CreatedByName, h.Version);

    private static bool Overlaps(HandoffCard card, TravelDates travel) =>
        card.From is { } from && travel.From is { } start && from <= (travel.To ?? start) && start <= (card.To ?? from);

    private static string? Dates(TravelDates travel)
    {
        var ru = CultureInfo.GetCultureInfo("ru-RU");
        if (travel.From is { } from)
        {
            return travel.To is { } to && to != from ? $"{from.ToString("d MMMM", ru)} – {to.ToString("d MMMM yyyy", ru)}" : from.ToString("d MMMM yyyy", ru);
        }

        if (travel.Month is { } month and >= 1 and <= 12)
        {
            return ru.DateTimeFormat.GetMonthName(month) + (travel.Year is { } year ? $" {year}" : "");
        }

        return string.IsNullOrWhiteSpace(travel.Text) ? null : travel.Text.Trim();
    }
}
