using SoulKg.Domain.Funnel;

namespace SoulKg.Domain.Conversations;

/// <summary>Who may take, give back or close a conversation. Pure: the conversation service saves the result.</summary>
public static class HolderRules
{
    public static HolderChange TakeOver(Conversation conversation, Guid userId, DateTimeOffset now, StageActor actor)
    {
        if (conversation.Holder == Holder.Human && conversation.HolderUserId == userId)
        {
            throw DomainException.Conflict("holder", "Чат уже у вас.");
        }

        if (conversation.Holder == Holder.Human)
        {
            throw DomainException.Conflict("holder", "Чат уже ведёт другой оператор.");
        }

        return Change(conversation, Holder.Human, userId, "Оператор взял чат", now, actor);
    }

    /// <summary>A manager gives the chat to a named person, whoever holds it now (a closed chat stays closed).</summary>
    public static HolderChange Assign(Conversation conversation, Guid userId, DateTimeOffset now, StageActor actor)
    {
        if (conversation.Holder == Holder.Human && conversation.HolderUserId == userId)
        {
            throw DomainException.Conflict("holder", "Чат уже у этого сотрудника.");
        }

        if (conversation.Holder == Holder.Closed)
        {
            throw DomainException.Conflict("holder", "Чат закрыт.");
        }

        return Change(conversation, Holder.Human, userId, "Назначен руководителем", now, actor);
    }

    public static HolderChange HandBack(Conversation conversation, Guid userId, bool canOverride, DateTimeOffset now, StageActor actor)
    {
        if (conversation.Holder != Holder.Human && conversation.Holder != Holder.WaitingForHuman)
        {
            throw DomainException.Conflict("holder", "Чат и так ведёт агент или он закрыт.");
        }

        if (conversation.Holder == Holder.Human && conversation.HolderUserId != userId && !canOverride)
        {
            throw DomainException.Conflict("holder", "Вернуть агенту может только оператор, который ведёт чат.");
        }

        return Change(conversation, Holder.AiActive, null, "Возвращён агенту", now, actor);
    }

    public static HolderChange RequestHuman(Conversation conversation, string reason, DateTimeOffset now, StageActor actor)
    {
        if (conversation.Holder is Holder.Human or Holder.WaitingForHuman)
        {
            throw DomainException.Conflict("holder", "Чат уже у человека или ждёт оператора.");
        }

        return Change(conversation, Holder.WaitingForHuman, null, reason, now, actor);
    }

    public static HolderChange Close(Conversation conversation, DateTimeOffset now, StageActor actor, string? reason = null)
    {
        if (conversation.Holder == Holder.Closed)
        {
            throw DomainException.Conflict("holder", "Чат уже закрыт.");
        }

        return Change(conversation, Holder.Closed, null, reason ?? "Закрыт", now, actor);
    }

    /// <summary>A client writing into a closed chat reopens it for the agent.</summary>
    public static HolderChange? OnInbound(Conversation conversation, DateTimeOffset now, StageActor actor) =>
        conversation.Holder == Holder.Closed ? Change(conversation, Holder.AiActive, null, "Клиент написал снова", now, actor) : null;

    private static HolderChange Change(Conversation conversation, Holder to, Guid? toUser, string reason, DateTimeOffset now, StageActor actor)
    {
        var change = new HolderChange
        {
            OrgId = conversation.OrgId,
            ConversationId = conversation.Id,
            From = conversation.Holder,
            To = to,
            FromUserId = conversation.HolderUserId,
            ToUserId = toUser,
            Reason = reason,
            ActorType = actor.Type,
            ActorId = actor.Id,
            ActorName = actor.Name,
            At = now,
        };
        conversation.Holder = to;
        conversation.HolderUserId = toUser;
        conversation.HolderReason = reason;
        conversation.HolderSince = now;
        return change;
    }
}
