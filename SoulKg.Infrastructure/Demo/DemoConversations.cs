using Microsoft.EntityFrameworkCore;
using SoulKg.Domain.Conversations;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Data;

namespace SoulKg.Infrastructure.Demo;

/// <summary>A sandbox WhatsApp channel and a few chats for the demo organisation, through the real inbound pipeline.</summary>
public sealed class DemoConversations(IDbContextFactory<SoulKgDbContext> factory, ChannelService channels, InboundPipeline inbound, TimeProvider clock)
{
    public async Task SeedAsync(Guid orgId, CancellationToken ct = default)
    {
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            if (await db.Channels.AnyAsync(ct))
            {
                return;
            }
        }

        var channel = await channels.CreateAsync("WhatsApp (песочница)", ChannelMode.Sandbox, ct: ct);
        var now = clock.GetUtcNow();
        (string Phone, string Name, string Text, int MinutesAgo)[] chats =
        [
            ("996555123456", "Айгуль Токтогулова", "Здравствуйте! Хотим на Иссык-Куль в июле, нас 4 взрослых и ребёнок, бюджет до 800$", 180),
            ("996700112233", "Бакыт Асанов", "Саламатсызбы! Сон-Көлгө турлар барбы?", 95),
            ("12127365000", "John Miller", "Hi! Do you have horse treks around Song-Kul in August? We are two adults.", 40),
            ("79161234567", "Елена Смирнова", "Добрый день, а можно позвать менеджера? Хочу обсудить оплату.", 12),
        ];
        var i = 0;
        foreach (var (phone, name, text, minutesAgo) in chats)
        {
            await inbound.ReceiveAsync(orgId, new InboundMessage
            {
                ChannelId = channel.Id, ExternalId = $"false_{phone}@c.us_DEMO{i++:D4}", ChatId = $"{phone}@c.us", SenderPhone = "+" + phone,
                SenderName = name, Text = text, SentAt = now.AddMinutes(-minutesAgo),
            }, ct);
        }
    }
}
