using Microsoft.EntityFrameworkCore;
using SoulKg.Domain;
using SoulKg.Domain.Conversations;
using SoulKg.Infrastructure.Data;

namespace SoulKg.Infrastructure.Conversations;

public sealed record ChannelItem(Guid Id, ChannelKind Kind, ChannelMode Mode, string Name, string? Phone, ChannelState State, string? StateReason,
    DateTimeOffset StateChangedAt, int SendsPerMinute, int TypingMilliseconds, bool IsActive);

/// <summary>The organisation's linked messenger accounts.</summary>
public sealed class ChannelService(IDbContextFactory<SoulKgDbContext> factory, TimeProvider clock)
{
    public async Task<IReadOnlyList<ChannelItem>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Channels.AsNoTracking().OrderBy(c => c.CreatedAt)
            .Select(c => new ChannelItem(c.Id, c.Kind, c.Mode, c.Name, c.Phone, c.State, c.StateReason, c.StateChangedAt, c.SendsPerMinute, c.TypingMilliseconds, c.IsActive))
            .ToListAsync(ct);
    }

    public async Task<ChannelItem> CreateAsync(string name, ChannelMode mode, int sendsPerMinute = 20, int typingMilliseconds = 1200, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            throw DomainException.Invalid("name", "Название канала: от 1 до 100 символов.");
        }

        if (sendsPerMinute is < 1 or > 120)
        {
            throw DomainException.Invalid("sendsPerMinute", "Не больше 120 сообщений в минуту (и не меньше 1).");
        }

        if (typingMilliseconds is < 0 or > 10_000)
        {
            throw DomainException.Invalid("typingMilliseconds", "Пауза «печатает…»: от 0 до 10 000 мс.");
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var channel = new Channel
        {
            Kind = ChannelKind.WhatsApp, Mode = mode, Name = name.Trim(), SendsPerMinute = sendsPerMinute, TypingMilliseconds = typingMilliseconds,
            State = ChannelState.Stopped, StateChangedAt = now, CreatedAt = now,
        };
        db.Channels.Add(channel);
        await db.SaveChangesAsync(ct);
        return new ChannelItem(channel.Id, channel.Kind, channel.Mode, channel.Name, null, channel.State, null, now, channel.SendsPerMinute, channel.TypingMilliseconds, true);
    }
}
