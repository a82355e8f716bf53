using Microsoft.EntityFrameworkCore;
using SoulKg.Domain;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Funnel;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Import;

/// <summary>
/// Stores the clients of a CSV inside the caller's transaction. A row whose phone an existing client has (or, without a
/// phone, whose exact name one client has) fills that client's empty fields instead of creating another, so importing
/// the same list again adds nothing. A stage column opens a deal at that stage for a client without an open deal.
/// </summary>
internal sealed class ClientListWriter(SoulKgDbContext db, OrgContext org, DateTimeOffset now)
{
    public async Task WriteAsync(IReadOnlyList<CsvClient> rows, FileReport report, CancellationToken ct)
    {
        var stages = await db.FunnelStages.Where(s => !s.IsArchived).OrderBy(s => s.Order).ToListAsync(ct);
        var users = await (from m in db.Memberships
                           join u in db.Users on m.UserId equals u.Id
                           where m.IsActive
                           select new { u.Id, u.DisplayName, u.Email }).ToListAsync(ct);
        foreach (var row in rows)
        {
            var client = await FindAsync(row, ct);
            Guid? responsible = null;
            if (row.Responsible is { } who)
            {
                responsible = users.FirstOrDefault(u => string.Equals(u.DisplayName, who, StringComparison.OrdinalIgnoreCase) || string.Equals(u.Email, who, StringComparison.OrdinalIgnoreCase))?.Id;
                if (responsible is null)
                {
                    report.Warnings.Add(new(row.Row, $"ответственный «{who}» не найден среди сотрудников"));
                }
            }

            if (client is null)
            {
                client = new Client
                {
                    Name = row.Name, Email = row.Email, Notes = row.Notes, Tags = row.Tags.ToList(), Source = SourceOf(row.Source),
                    Language = LanguageOf(row.Language), ResponsibleUserId = responsible, CreatedAt = now, UpdatedAt = now,
                };
                db.Clients.Add(client);
                foreach (var (phone, i) in row.Phones.Select((p, i) => (p, i)))
                {
                    db.ClientContacts.Add(new ClientContact { ClientId = client.Id, Kind = ContactKind.Phone, Value = phone, IsPrimary = i == 0 });
                }

                db.TimelineEvents.Add(Timeline.Event(org, client.Id, null, TimelineKind.ClientCreated, $"Клиент из импорта CSV: {client.Name}", now, new { file = report.File, row = row.Row }));
                report.ClientsCreated++;
            }
            else
            {
                Fill(client, row, responsible);
                var known = await db.ClientContacts.Where(c => c.Kind == ContactKind.Phone && row.Phones.Contains(c.Value)).Select(c => c.Value).ToListAsync(ct);
                foreach (var phone in row.Phones.Except(known))
                {
                    db.ClientContacts.Add(new ClientContact { ClientId = client.Id, Kind = ContactKind.Phone, Value = phone });
                }

                report.ClientsMatched++;
            }

            report.ClientId ??= client.Id;
            if (row.Stage is { } stageName)
            {
                var stage = stages.FirstOrDefault(s => string.Equals(s.Name, stageName.Trim(), StringComparison.OrdinalIgnoreCase));
                if (stage is null)
                {
                    report.Warnings.Add(new(row.Row, $"этапа «{stageName}» нет в воронке: сделка не создана"));
                }
                else if (!await db.Deals.AnyAsync(d => d.ClientId == client.Id && d.Status == DealStatus.Open, ct) && !db.Deals.Local.Any(d => d.ClientId == client.Id))
                {
                    var deal = new Deal
                    {
                        ClientId = client.Id, StageId = stage.Id, StageEnteredAt = now, Source = client.Source, ResponsibleUserId = responsible ?? client.ResponsibleUserId,
                        Title = "Из импорта CSV", CreatedAt = now, UpdatedAt = now,
                    };
                    db.Deals.Add(deal);
                    db.DealStageChanges.Add(new DealStageChange
                    {
                        DealId = deal.Id, ToStageId = stage.Id, Reason = "Импорт CSV", ActorType = org.ActorType, ActorId = org.UserId, ActorName = org.ActorName, At = now,
                    });
                    db.TimelineEvents.Add(Timeline.Event(org, client.Id, deal.Id, TimelineKind.DealCreated, $"Сделка из импорта CSV на этапе «{stage.Name}»", now));
                    report.DealsCreated++;
                }
            }

            // Each row is flushed so a later row with the same phone finds this client.
            await db.SaveChangesAsync(ct);
        }
    }

    private async Task<Client?> FindAsync(CsvClient row, CancellationToken ct)
    {
        if (row.Phones.Count > 0)
        {
            var byPhone = await db.ClientContacts.Where(c => c.Kind == ContactKind.Phone && row.Phones.Contains(c.Value)).Select(c => c.ClientId).FirstOrDefaultAsync(ct);
            if (byPhone != Guid.Empty)
            {
                return await db.Clients.FirstOrDefaultAsync(c => c.Id == byPhone && c.MergedIntoId == null, ct);
            }

            return null;
        }

        var lower = row.Name.ToLower();
        var byName = await db.Clients.Where(c => c.MergedIntoId == null && c.Name.ToLower() == lower).Take(2).ToListAsync(ct);
        return byName.Count == 1 ? byName[0] : null;
    }

    private void Fill(Client client, CsvClient row, Guid? responsible)
    {
        var changed = false;
        if (client.Email is null && row.Email is not null)
        {
            client.Email = row.Email;
            changed = true;
        }

        if (row.Notes is { } notes && !(client.Notes ?? "").Contains(notes, StringComparison.Ordinal))
        {
            client.Notes = string.IsNullOrEmpty(client.Notes) ? notes : client.Notes + "\n" + notes;
            changed = true;
        }

        var tags = row.Tags.Where(t => !client.Tags.Contains(t, StringComparer.OrdinalIgnoreCase)).ToList();
        if (tags.Count > 0)
        {
            client.Tags = [.. client.Tags, .. tags];
            changed = true;
        }

        if (client.ResponsibleUserId is null && responsible is not null)
        {
            client.ResponsibleUserId = responsible;
            changed = true;
        }

        if (changed)
        {
            client.UpdatedAt = now;
        }
    }

    private static ClientSource SourceOf(string? source) => source?.Trim().ToLowerInvariant() switch
    {
        null or "" => ClientSource.Import,
        "whatsapp" or "ватсап" => ClientSource.WhatsApp,
        "instagram" or "инстаграм" => ClientSource.Instagram,
        "telegram" or "телеграм" => ClientSource.Telegram,
        "рекомендация" or "referral" or "сарафан" => ClientSource.Referral,
        "сайт" or "site" or "website" => ClientSource.Site,
        "телефон" or "phone" or "звонок" => ClientSource.Phone,
        "партнёр" or "партнер" or "partner" => ClientSource.Partner,
        _ => ClientSource.Other,
    };

    private static string LanguageOf(string? language) => language?.Trim().ToLowerInvariant() is { Length: 2 } code && Languages.All.Contains(code) ? code : Languages.Russian;
}
