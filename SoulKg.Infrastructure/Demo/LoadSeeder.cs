using System.Diagnostics;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Data.Interceptors;
using SoulKg.Infrastructure.Identity;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Demo;

/// <summary>
/// Fills an organisation "Load Test" with many clients, contacts and deals for the benchmarks. PostgreSQL refuses
/// COPY FROM into tables under row-level security, so rows go in as batched INSERT … SELECT FROM unnest(…) through the
/// app's own role, with the organisation set like any other connection.
/// </summary>
public sealed class LoadSeeder(
    SignUpService signUp,
    UserManager<ApplicationUser> users,
    IDbContextFactory<SoulKgDbContext> factory,
    NpgsqlDataSource dataSource,
    OrgContext org,
    ILogger<LoadSeeder> logger)
{
    public const string Email = "load@soulkg.demo";
    public const string Password = "Demo123!";
    private const int Batch = 5_000;

    private static readonly string[] FirstNames = ["Айгуль", "Бакыт", "Нурлан", "Елена", "Динара", "Азамат", "Жылдыз", "Тимур", "Гульмира", "Айбек", "Мария", "Андрей", "John", "Emily", "Markus", "Sophie", "Chen", "Асель", "Эрлан", "Камила"];
    private static readonly string[] LastNames = ["Токтогулова", "Асанов", "Исаков", "Смирнова", "Ахметова", "Жээнбеков", "Мамбетова", "Касымов", "Садырбаева", "Турсунов", "Иванова", "Козлов", "Miller", "Clark", "Weber", "Martin", "Wei", "Абдыкадырова", "Осмонов", "Бекова"];

    public async Task<Guid> SeedAsync(int clients, int deals, CancellationToken ct = default)
    {
        var existing = await users.FindByEmailAsync(Email);
        Guid orgId;
        if (existing is null)
        {
            var result = await signUp.SignUpAsync(new SignUpRequest("Load Test", "Load Test Owner", Email, Password), ct);
            orgId = result.OrgId ?? throw new InvalidOperationException(string.Join("; ", result.Errors.SelectMany(e => e.Value)));
        }
        else
        {
            await using var lookup = await dataSource.OpenConnectionAsync(ct);
            await using var asUser = OrgSession.CreateSetCommand(lookup, null, existing.Id);
            await asUser.ExecuteNonQueryAsync(ct);
            await using var find = new NpgsqlCommand("SELECT org_id FROM memberships WHERE user_id = @u LIMIT 1", lookup);
            find.Parameters.AddWithValue("u", existing.Id);
            orgId = (Guid)(await find.ExecuteScalarAsync(ct))!;
        }

        org.SetSystem(orgId, ActorType.System, "seed-load");
        List<Guid> stageIds;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            stageIds = await db.FunnelStages.OrderBy(s => s.Order).Select(s => s.Id).ToListAsync(ct);
            var have = await db.Clients.CountAsync(ct);
            if (have >= clients)
            {
                logger.LogInformation("Load org already has {Count} clients", have);
                return orgId;
            }
        }

        var watch = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using (var set = OrgSession.CreateSetCommand(connection, orgId, null))
        {
            await set.ExecuteNonQueryAsync(ct);
        }

        // A quarter of a million rows would be a quarter of a million notifications: publish none, screens re-read later.
        await using (var bulk = new NpgsqlCommand("SELECT set_config('app.bulk', 'on', false)", connection))
        {
            await bulk.ExecuteNonQueryAsync(ct);
        }

        var random = new Random(42);
        var now = DateTimeOffset.UtcNow;
        var clientIds = new Guid[clients];
        for (var start = 0; start < clients; start += Batch)
        {
            var n = Math.Min(Batch, clients - start);
            var ids = new Guid[n];
            var names = new string[n];
            var created = new DateTime[n];
            var phones = new string[n];
            for (var i = 0; i < n; i++)
            {
                ids[i] = Guid.CreateVersion7();
                clientIds[start + i] = ids[i];
                names[i] = $"{FirstNames[random.Next(FirstNames.Length)]} {LastNames[random.Next(LastNames.Length)]} {start + i}";
                created[i] = now.AddMinutes(-(clients - start - i)).UtcDateTime;
                phones[i] = "+996" + (new[] { "555", "700", "772", "550", "707", "221" })[random.Next(6)] + (100000 + start + i).ToString("000000", System.Globalization.CultureInfo.InvariantCulture)[^6..];
            }

            await using var tx = await connection.BeginTransactionAsync(ct);
            await using (var insert = new NpgsqlCommand("""
                INSERT INTO clients (id, org_id, name, language, source, tags, consent_to_contact, created_at, updated_at)
                SELECT id, @org, name, 'ru', 'WhatsApp', '{}', true, created, created FROM unnest(@ids, @names, @created) AS t(id, name, created)
                """, connection, tx))
            {
                insert.Parameters.AddWithValue("org", orgId);
                insert.Parameters.AddWithValue("ids", ids);
                insert.Parameters.AddWithValue("names", names);
                insert.Parameters.Add(new NpgsqlParameter("created", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = created });
                await insert.ExecuteNonQueryAsync(ct);
            }

            await using (var contacts = new NpgsqlCommand("""
                INSERT INTO client_contacts (id, org_id, client_id, kind, value, is_primary)
                SELECT gen_random_uuid(), @org, id, 'Phone', phone, true FROM unnest(@ids, @phones) AS t(id, phone)
                ON CONFLICT DO NOTHING
                """, connection, tx))
            {
                contacts.Parameters.AddWithValue("org", orgId);
                contacts.Parameters.AddWithValue("ids", ids);
                contacts.Parameters.AddWithValue("phones", phones);
                await contacts.ExecuteNonQueryAsync(ct);
            }

            await tx.CommitAsync(ct);
        }

        for (var start = 0; start < deals; start += Batch)
        {
            var n = Math.Min(Batch, deals - start);
            var ids = new Guid[n];
            var dealClients = new Guid[n];
            var stages = new Guid[n];
            var adults = new int[n];
            var budgets = new decimal[n];
            var months = new int[n];
            var created = new DateTime[n];
            for (var i = 0; i < n; i++)
            {
                ids[i] = Guid.CreateVersion7();
                dealClients[i] = clientIds[(start + i) % clients];
                stages[i] = stageIds[random.Next(stageIds.Count)];
                adults[i] = random.Next(1, 9);
                budgets[i] = random.Next(200, 3000);
                months[i] = random.Next(5, 10);
                created[i] = now.AddMinutes(-(deals - start - i)).UtcDateTime;
            }

            await using var tx = await connection.BeginTransactionAsync(ct);
            await using var insert = new NpgsqlCommand("""
                INSERT INTO deals (id, org_id, client_id, stage_id, status, stage_entered_at, sort_order, tour_ids, adults, children,
                                   budget_amount, budget_currency, value_amount, value_currency, source, needs_stage_review, created_at, updated_at, travel_month)
                SELECT id, @org, client, stage, 'Open', created, 0, '{}', adults, 0, budget, 'USD', budget, 'USD', 'WhatsApp', false, created, created, month
                FROM unnest(@ids, @clients, @stages, @adults, @budgets, @created, @months) AS t(id, client, stage, adults, budget, created, month)
                """, connection, tx);
            insert.Parameters.AddWithValue("org", orgId);
            insert.Parameters.AddWithValue("ids", ids);
            insert.Parameters.AddWithValue("clients", dealClients);
            insert.Parameters.AddWithValue("stages", stages);
            insert.Parameters.AddWithValue("adults", adults);
            insert.Parameters.AddWithValue("budgets", budgets);
            insert.Parameters.Add(new NpgsqlParameter("created", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = created });
            insert.Parameters.AddWithValue("months", months);
            await insert.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
        }

        await using (var reset = new NpgsqlCommand("SELECT set_config('app.bulk', '', false)", connection))
        {
            await reset.ExecuteNonQueryAsync(ct);
        }

        logger.LogInformation("Seeded {Clients} clients and {Deals} deals in {Seconds:F1} s", clients, deals, watch.Elapsed.TotalSeconds);
        return orgId;
    }
}
