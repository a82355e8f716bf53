using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SoulKg.Domain;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Conversations;

public sealed record CannedReplyItem(Guid Id, string Shortcut, string Text, bool IsPersonal);

public sealed record CannedReplyInput(string Shortcut, string Text, bool IsPersonal);

/// <summary>What the placeholders of a canned reply stand for in the open chat; a missing value leaves its placeholder for the operator to fill.</summary>
public sealed record CannedValues(string? ClientFirstName, string? TourName, string? ManagerName);

/// <summary>
/// Canned replies: the organisation's shared ones (only those who manage settings may change them) and each user's own.
/// A user sees the shared ones and their own, never a colleague's.
/// </summary>
public sealed partial class CannedReplyService(IDbContextFactory<SoulKgDbContext> factory, OrgContext org, TimeProvider clock)
{
    public async Task<IReadOnlyList<CannedReplyItem>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var me = org.UserId;
        var rows = await db.CannedReplies.AsNoTracking().Where(c => c.OwnerUserId == null || c.OwnerUserId == me).ToListAsync(ct);
        // Personal first: when a user's shortcut repeats a shared one, theirs wins in the picker.
        return rows.OrderBy(c => c.Shortcut, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.OwnerUserId == null).Select(ToItem).ToList();
    }

    public async Task<CannedReplyItem> CreateAsync(CannedReplyInput input, CancellationToken ct = default)
    {
        var (shortcut, text) = Validate(input);
        var owner = OwnerFor(input.IsPersonal);
        await using var db = await factory.CreateDbContextAsync(ct);
        await EnsureUniqueAsync(db, owner, shortcut, null, ct);
        var reply = new CannedReply { OwnerUserId = owner, Shortcut = shortcut, Text = text, CreatedAt = clock.GetUtcNow() };
        db.CannedReplies.Add(reply);
        await SaveAsync(db, ct);
        return ToItem(reply);
    }

    public async Task<CannedReplyItem> UpdateAsync(Guid id, CannedReplyInput input, CancellationToken ct = default)
    {
        var (shortcut, text) = Validate(input);
        await using var db = await factory.CreateDbContextAsync(ct);
        var reply = await FindEditableAsync(db, id, ct);
        var owner = OwnerFor(input.IsPersonal);
        await EnsureUniqueAsync(db, owner, shortcut, id, ct);
        reply.OwnerUserId = owner;
        reply.Shortcut = shortcut;
        reply.Text = text;
        await SaveAsync(db, ct);
        return ToItem(reply);
    }

    public async Task DeleteAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.CannedReplies.Remove(await FindEditableAsync(db, id, ct));
        await db.SaveChangesAsync(ct);
    }

    public bool CanManageShared => org.Role is { } role && Permissions.Has(role, Permissions.ManageSettings);

    /// <summary>Fills {имя}, {тур} and {менеджер}; placeholders without a value stay as they are.</summary>
    public static string Expand(string text, CannedValues values) =>
        Placeholder().Replace(text, m => m.Groups[1].Value.ToLowerInvariant() switch
        {
            "имя" when !string.IsNullOrWhiteSpace(values.ClientFirstName) => values.ClientFirstName!,
            "тур" when !string.IsNullOrWhiteSpace(values.TourName) => values.TourName!,
            "менеджер" when !string.IsNullOrWhiteSpace(values.ManagerName) => values.ManagerName!,
            _ => m.Value,
        });

    /// <summary>"Айгуль Токтогулова" → "Айгуль"; a phone number or an empty name gives nothing.</summary>
    public static string? FirstName(string? fullName)
    {
        var first = fullName?.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return first is null || first.Any(char.IsDigit) ? null : first;
    }

    private async Task<CannedReply> FindEditableAsync(SoulKgDbContext db, Guid id, CancellationToken ct)
    {
        var reply = await db.CannedReplies.FirstOrDefaultAsync(c => c.Id == id && (c.OwnerUserId == null || c.OwnerUserId == org.UserId), ct)
            ?? throw DomainException.NotFound("id", "Шаблон не найден.");
        if (reply.OwnerUserId is null && !CanManageShared)
        {
            throw DomainException.Conflict("isPersonal", "Общие шаблоны меняют только администраторы.");
        }

        return reply;
    }

    private Guid? OwnerFor(bool personal)
    {
        if (personal)
        {
            return org.UserId ?? throw DomainException.Invalid("isPersonal", "Личный шаблон нужен пользователю.");
        }

        return CanManageShared ? null : throw DomainException.Conflict("isPersonal", "Общие шаблоны меняют только администраторы.");
    }

    private static async Task EnsureUniqueAsync(SoulKgDbContext db, Guid? owner, string shortcut, Guid? except, CancellationToken ct)
    {
        // The unique index cannot catch shared duplicates: NULL owners are distinct to PostgreSQL.
        var lower = shortcut.ToLowerInvariant();
        if (await db.CannedReplies.AnyAsync(c => c.OwnerUserId == owner && c.Shortcut.ToLower() == lower && c.Id != except, ct))
        {
            throw DomainException.Conflict("shortcut", $"Шаблон /{shortcut} уже есть.");
        }
    }

    private static async Task SaveAsync(SoulKgDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw DomainException.Conflict("shortcut", "Такой шаблон уже есть.");
        }
    }

    private static (string Shortcut, string Text) Validate(CannedReplyInput input)
    {
        var shortcut = (input.Shortcut ?? "").Trim().TrimStart('/');
        if (!ShortcutPattern().IsMatch(shortcut))
        {
            throw DomainException.Invalid("shortcut", "Сокращение: от 1 до 50 букв, цифр, «-» или «_», без пробелов.");
        }

        var text = (input.Text ?? "").Trim();
        if (text.Length is 0 or > 4000)
        {
            throw DomainException.Invalid("text", "Текст шаблона: от 1 до 4000 символов.");
        }

        return (shortcut, text);
    }

    private static CannedReplyItem ToItem(CannedReply c) => new(c.Id, c.Shortcut, c.Text, c.OwnerUserId is not null);

    [GeneratedRegex(@"^[\p{L}\p{N}_-]{1,50}$")]
    private static partial Regex ShortcutPattern();

    [GeneratedRegex(@"\{(имя|тур|менеджер)\}", RegexOptions.IgnoreCase)]
    private static partial Regex Placeholder();
}
