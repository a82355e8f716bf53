using System.Collections.Concurrent;
using SoulKg.Domain.FollowUps;

namespace SoulKg.Tests.FollowUps;

/// <summary>
/// Stands where an agent will write follow-up texts: answers only for the conversations a test scripted (a text, or
/// an exception), and null for every other, so the other tests of the class keep the default texts.
/// </summary>
public sealed class ScriptedFollowUpWriter : IFollowUpTextWriter
{
    private readonly ConcurrentDictionary<Guid, Func<FollowUpDraft, string>> _scripts = new();

    public void Script(Guid conversationId, Func<FollowUpDraft, string> write) => _scripts[conversationId] = write;

    public Task<string?> WriteAsync(FollowUpDraft draft, CancellationToken cancellationToken) =>
        Task.FromResult(_scripts.TryGetValue(draft.ConversationId, out var write) ? write(draft) : null);
}
