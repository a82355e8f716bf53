using SoulKg.Domain.Tenancy;

namespace SoulKg.Domain.Conversations;

/// <summary>A client taking part in a group conversation (the conversation's own client is its first participant).</summary>
public sealed class ConversationParticipant : IOrgOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public Guid ConversationId { get; set; }
    public Guid ClientId { get; set; }

    /// <summary>The name the participant wrote under in the chat.</summary>
    public required string DisplayName { get; set; }
}
