using SoulKg.Tests.WhatsApp;

namespace SoulKg.Tests.Agents;

/// <summary>The WhatsApp sandbox app with the agent answering client chats by itself, as in production.</summary>
public sealed class AgentWhatsAppFactory : WhatsAppFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
    [
        .. base.ExtraSettings,
        new("Agents:AutoReply", "true"), // later keys win: this replaces the host suite's "false"
    ];
}
