using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SoulKg.Domain;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Funnel;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Crm;

public sealed record ContactDto(ContactKind Kind, string Value, bool IsPrimary);

public sealed record ClientListItem(
    Guid Id, string Name, string? Phone, string? Email, string Language, ClientSource Source,
    IReadOnlyList<string> Tags, Guid? ResponsibleUserId, string? City, DateTimeOffset CreatedAt, int OpenDeals);

public sealed record ClientDetails(
    Guid Id, string Name, IReadOnlyList<ContactDto> Contacts, string? Email, string? Telegram, string Language,
    string? Country, string? City, ClientSource Source, IReadOnlyList<string> Tags, string? Notes, Guid? ResponsibleUserId,
    bool ConsentToContact, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, uint Version);

public sealed record ClientQuery
{
    public string? Search { get; init; }
    public ClientSource? Source { get; init; }
    public string? Tag { get; init; }
    public Guid? ResponsibleUserId { get; init; }
    public string? Language { get; init; }

    /// <summary>name, createdAt (default), city.</summary>
    public string? SortBy { get; init; }
    public bool Descending { get; init; } = true;
}

public sealed record TimelineItem(Guid Id, TimelineKind Kind, string Summary, string? Data, Guid? DealId, string? ActorName, Domain.Tenancy.ActorType ActorType, DateTimeOffset At);

/// <summary>Clients: search, create without duplicates, edit, notes, merge and the timeline. Used by UI, API, import and agents.</summary>
public sealed class ClientService(IDbContextFactory<SoulKgDbContext> factory, OrgContext org, TimeProvider clock)
{
    public async Task<GridPage<ClientListItem>> QueryAsync(ClientQuery query, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var clients = Filter(db, query);
        var total = await clients.CountAsync(ct);
        clients = (query.SortBy?.ToLowerInvariant(), query.Descending) switch
        {
            ("name", false) => clients.OrderBy(c => c.Name).ThenBy(c => c.Id),
            ("name", true) => clients.OrderByDescending(c => c.Name).ThenByDescending(c => c.Id),
            ("city", false) => clients.OrderBy(c => c.City).ThenBy(c => c.Id),
            ("city", true) => clients.OrderByDescending(c => c.City).ThenByDescending(c => c.Id),
            (_, false) => clients.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id),
            _ => clients.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id),
        };
        var items = await Project(db, clients.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 500))).ToListAsync(ct);
        return new GridPage<ClientListItem>(items, total);
    }

    /// <summary>Keyset pages, newest first, for the API.</summary>
    public async Task<CursorPage<ClientListItem>> ListAsync(ClientQuery query, string? cursor, int? limit, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var clients = Filter(db, query);
        if (Cursor.TryDecode(cursor, out var at, out var id))
        {
            clients = clients.Where(c => c.CreatedAt < at || (c.CreatedAt == at && c.Id.CompareTo(id) < 0));
        }

        var take = Cursor.Limit(limit);
        var items = await Project(db, clients.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id).Take(take + 1)).ToListAsync(ct);
        return Cursor.Page(items, take, x => x.CreatedAt, x => x.Id, x => x);
    }

    public async Task<ClientDetails?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var client = await db.Clients.AsNoTracking().Include(c => c.Contacts)
            .FirstOrDefaultAsync(c => c.Id == id && c.MergedIntoId == null, ct);
        return client is null ? null : ToDetails(client);
    }

    public async Task<ClientDetails> CreateAsync(ClientInput input, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var client = new Client { Name = input.Name.Trim(), CreatedAt = now, UpdatedAt = now };
        Apply(client, input);
        client.Contacts = BuildContacts(input);
        await EnsureNoDuplicatesAsync(db, client.Contacts, null, ct);
        db.Clients.Add(client);
        db.TimelineEvents.Add(Event(client.Id, null, TimelineKind.ClientCreated, $"Клиент создан: {client.Name}", now));
        await SaveAsync(db, ct);
        return ToDetails(client);
    }

    public async Task<ClientDetails> UpdateAsync(Guid id, ClientInput input, uint? expectedVersion, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var client = await db.Clients.Include(c => c.Contacts).FirstOrDefaultAsync(c => c.Id == id && c.MergedIntoId == null, ct)
            ?? throw DomainException.NotFound("id", "Клиент не найден.");
        if (expectedVersion is { } v && v != client.Version)
        {
            throw new StaleVersionException("Client");
        }

        client.Name = input.Name.Trim();
        Apply(client, input);
        client.UpdatedAt = clock.GetUtcNow();

        var wanted = BuildContacts(input);
        var keep = client.Contacts.Where(c => wanted.Any(w => w.Kind == c.Kind && w.Value == c.Value)).ToList();
        db.ClientContacts.RemoveRange(client.Contacts.Except(keep));
        var added = wanted.Where(w => !keep.Any(k => k.Kind == w.Kind && k.Value == w.Value)).ToList();
        await EnsureNoDuplicatesAsync(db, added, client.Id, ct);
        foreach (var contact in added)
        {
            contact.ClientId = client.Id;
            db.ClientContacts.Add(contact);
        }

        foreach (var contact in keep)
        {
            contact.IsPrimary = wanted.First(w => w.Kind == contact.Kind && w.Value == contact.Value).IsPrimary;
        }

        await SaveAsync(db, ct);
        return (await GetAsync(id, ct))!;
    }

    /// <summary>The client who has this phone (any format) or WhatsApp linked id, if any.</summary>
    public async Task<Guid?> FindByContactAsync(ContactKind kind, string value, CancellationToken ct = default)
    {
        var normalized = kind == ContactKind.Phone ? Phones.Normalize(value) : value.Trim();
        if (normalized is null)
        {
            return null;
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.ClientContacts.Where(c => c.Kind == kind && c.Value == normalized).Select(c => (Guid?)c.ClientId).FirstOrDefaultAsync(ct);
    }

    public async Task<TimelineItem> AddNoteAsync(Guid clientId, string text, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 10_000)
        {
            throw DomainException.Invalid("text", "Заметка: от 1 до 10 000 символов.");
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        if (!await db.Clients.AnyAsync(c => c.Id == clientId && c.MergedIntoId == null, ct))
        {
            throw DomainException.NotFound("clientId", "Клиент не найден.");
        }

        var note = Event(clientId, null, TimelineKind.Note, text.Trim(), clock.GetUtcNow());
        db.TimelineEvents.Add(note);
        await db.SaveChangesAsync(ct);
        return ToItem(note);
    }

    public async Task<CursorPage<TimelineItem>> TimelineAsync(Guid clientId, string? cursor, int? limit, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!await db.Clients.AnyAsync(c => c.Id == clientId, ct))
        {
            throw DomainException.NotFound("clientId", "Клиент не найден.");
        }

        var events = db.TimelineEvents.AsNoTracking().Where(e => e.ClientId == clientId);
        if (Cursor.TryDecode(cursor, out var at, out var id))
        {
            events = events.Where(e => e.At < at || (e.At == at && e.Id.CompareTo(id) < 0));
        }

        var take = Cursor.Limit(limit);
        var items = await events.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(take + 1).ToListAsync(ct);
        return Cursor.Page(items, take, x => x.At, x => x.Id, ToItem);
    }

    /// <summary>
    /// Moves everything of <paramref name="mergedId"/> (contacts, deals, history) to <paramref name="survivorId"/> in one
    /// transaction; the merged client stays only as a pointer to the survivor.
    /// </summary>
    public async Task<ClientDetails> MergeAsync(Guid survivorId, Guid mergedId, CancellationToken ct = default)
    {
        if (survivorId == mergedId)
        {
            throw DomainException.Invalid("mergedId", "Нельзя объединить клиента с самим собой.");
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var survivor = await db.Clients.Include(c => c.Contacts).FirstOrDefaultAsync(c => c.Id == survivorId && c.MergedIntoId == null, ct)
            ?? throw DomainException.NotFound("survivorId", "Клиент не найден.");
        var merged = await db.Clients.Include(c => c.Contacts).FirstOrDefaultAsync(c => c.Id == mergedId && c.MergedIntoId == null, ct)
            ?? throw DomainException.NotFound("mergedId", "Клиент для объединения не найден.");
        var now = clock.GetUtcNow();

        foreach (var contact in merged.Contacts.ToList())
        {
            if (survivor.Contacts.Any(c => c.Kind == contact.Kind && c.Value == contact.Value))
            {
                db.ClientContacts.Remove(contact);
            }
            else
            {
                contact.ClientId = survivor.Id;
                contact.IsPrimary = false;
            }
        }

        survivor.Email ??= merged.Email;
        survivor.Telegram ??= merged.Telegram;
        survivor.Country ??= merged.Country;
        survivor.City ??= merged.City;
        survivor.ResponsibleUserId ??= merged.ResponsibleUserId;
        survivor.Tags = survivor.Tags.Union(merged.Tags).ToList();
        if (!string.IsNullOrWhiteSpace(merged.Notes))
        {
            survivor.Notes = string.IsNullOrWhiteSpace(survivor.Notes) ? merged.Notes : survivor.Notes + "\n\n" + merged.Notes;
        }

        survivor.UpdatedAt = now;
        merged.MergedIntoId = survivor.Id;
        merged.UpdatedAt = now;
        await db.SaveChangesAsync(ct);

        await db.Deals.Where(d => d.ClientId == merged.Id).ExecuteUpdateAsync(s => s.SetProperty(d => d.ClientId, survivor.Id), ct);
        await db.TimelineEvents.Where(e => e.ClientId == merged.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.ClientId, survivor.Id), ct);
        db.TimelineEvents.Add(Event(survivor.Id, null, TimelineKind.Merged, $"Объединён с клиентом «{merged.Name}»", now,
            JsonSerializer.Serialize(new { mergedId = merged.Id, mergedName = merged.Name })));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (await GetAsync(survivor.Id, ct))!;
    }

    private IQueryable<Client> Filter(SoulKgDbContext db, ClientQuery query)
    {
        var clients = db.Clients.AsNoTracking().Where(c => c.MergedIntoId == null);
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var text = query.Search.Trim();
            var pattern = "%" + EscapeLike(text) + "%";
            var digits = Phones.DigitsOf(text);
            // Two index lookups joined by UNION: an OR across tables would make PostgreSQL walk the whole organisation.
            var byName = db.Clients.Where(c => EF.Functions.ILike(c.Name, pattern)).Select(c => c.Id);
            var matches = digits.Length >= 3
                ? byName.Union(db.ClientContacts.Where(x => EF.Functions.Like(x.Value, "%" + digits + "%")).Select(x => x.ClientId))
                : byName;
            clients = clients.Where(c => matches.Contains(c.Id));
        }

        if (query.Source is { } source)
        {
            clients = clients.Where(c => c.Source == source);
        }

        if (!string.IsNullOrWhiteSpace(query.Tag))
        {
            clients = clients.Where(c => c.Tags.Contains(query.Tag));
        }

        if (query.ResponsibleUserId is { } responsible)
        {
            clients = clients.Where(c => c.ResponsibleUserId == responsible);
        }

        if (!string.IsNullOrWhiteSpace(query.Language))
        {
            clients = clients.Where(c => c.Language == query.Language);
        }

        return clients;
    }

    private static IQueryable<ClientListItem> Project(SoulKgDbContext db, IQueryable<Client> clients) =>
        clients.Select(c => new ClientListItem(
            c.Id, c.Name,
            c.Contacts.Where(x => x.Kind == ContactKind.Phone).OrderByDescending(x => x.IsPrimary).Select(x => x.Value).FirstOrDefault(),
            c.Email, c.Language, c.Source, c.Tags, c.ResponsibleUserId, c.City, c.CreatedAt,
            db.Deals.Count(d => d.ClientId == c.Id && d.Status == DealStatus.Open)));

    private static void Apply(Client client, ClientInput input)
    {
        client.Email = Blank(input.Email);
        client.Telegram = Blank(input.Telegram)?.TrimStart('@');
        client.Language = input.Language;
        client.Country = Blank(input.Country);
        client.City = Blank(input.City);
        client.Source = input.Source;
        client.Tags = input.Tags.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        client.Notes = Blank(input.Notes);
        client.ResponsibleUserId = input.ResponsibleUserId;
        client.ConsentToContact = input.ConsentToContact;
    }

    private static List<ClientContact> BuildContacts(ClientInput input)
    {
        var contacts = new List<ClientContact>();
        foreach (var phone in input.Phones)
        {
            var e164 = Phones.Normalize(phone) ?? throw DomainException.Invalid("phones", $"Телефон «{phone}» не похож на настоящий номер.");
            if (contacts.All(c => c.Value != e164))
            {
                contacts.Add(new ClientContact { Kind = ContactKind.Phone, Value = e164, IsPrimary = contacts.Count == 0, ClientId = Guid.Empty });
            }
        }

        if (!string.IsNullOrWhiteSpace(input.WhatsAppLid))
        {
            contacts.Add(new ClientContact { Kind = ContactKind.WhatsAppLid, Value = input.WhatsAppLid.Trim() });
        }

        return contacts;
    }

    private static async Task EnsureNoDuplicatesAsync(SoulKgDbContext db, IReadOnlyList<ClientContact> contacts, Guid? self, CancellationToken ct)
    {
        foreach (var contact in contacts)
        {
            var owner = await db.ClientContacts
                .Where(c => c.Kind == contact.Kind && c.Value == contact.Value && c.ClientId != self)
                .Join(db.Clients, c => c.ClientId, c => c.Id, (_, c) => new { c.Id, c.Name })
                .FirstOrDefaultAsync(ct);
            if (owner is not null)
            {
                throw Duplicate(contact, owner.Id, owner.Name);
            }
        }
    }

    private static DomainException Duplicate(ClientContact contact, Guid ownerId, string ownerName) =>
        DomainException.Conflict(contact.Kind == ContactKind.Phone ? "phones" : "whatsAppLid",
            $"{(contact.Kind == ContactKind.Phone ? "Телефон " + Phones.Format(contact.Value) : "WhatsApp " + contact.Value)} уже есть у клиента «{ownerName}» (id {ownerId}).");

    /// <summary>Two people adding the same phone at once: the unique index decides, and the loser gets the same message.</summary>
    private static async Task SaveAsync(SoulKgDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "ix_client_contacts_org_id_kind_value" })
        {
            throw DomainException.Conflict("phones", "Этот телефон или WhatsApp уже есть у другого клиента.");
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new StaleVersionException("Client");
        }
    }

    private TimelineEvent Event(Guid clientId, Guid? dealId, TimelineKind kind, string summary, DateTimeOffset at, string? data = null) =>
        new()
        {
            ClientId = clientId,
            DealId = dealId,
            Kind = kind,
            Summary = summary,
            Data = data,
            ActorType = org.ActorType,
            ActorId = org.UserId,
            ActorName = org.ActorName,
            At = at,
        };

    private static TimelineItem ToItem(TimelineEvent e) => new(e.Id, e.Kind, e.Summary, e.Data, e.DealId, e.ActorName, e.ActorType, e.At);

    private static ClientDetails ToDetails(Client c) =>
        new(c.Id, c.Name, c.Contacts.OrderByDescending(x => x.IsPrimary).ThenBy(x => x.Kind).Select(x => new ContactDto(x.Kind, x.Value, x.IsPrimary)).ToList(),
            c.Email, c.Telegram, c.Language, c.Country, c.City, c.Source, c.Tags, c.Notes, c.ResponsibleUserId, c.ConsentToContact,
            c.CreatedAt, c.UpdatedAt, c.Version);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    internal static string EscapeLike(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
