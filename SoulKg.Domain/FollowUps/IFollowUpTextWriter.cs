namespace SoulKg.Domain.FollowUps;

/// <summary>What a writer knows when a follow-up without a text fires.</summary>
public sealed record FollowUpDraft(Guid OrgId, Guid FollowUpId, Guid ConversationId, Guid ClientId, FollowUpKind Kind, string Reason, string Language, string? TraceId);

/// <summary>
/// Writes the text of a follow-up that was scheduled without one, when it fires (an agent plugs in here). Returns null
/// to leave it to the next writer, and in the end to the default text of the kind in the client's language. It runs
/// before the follow-up's transaction, so a slow writer holds no lock; a writer that throws is logged and skipped.
/// </summary>
public interface IFollowUpTextWriter
{
    Task<string?> WriteAsync(FollowUpDraft draft, CancellationToken cancellationToken);
}
