using SoulKg.Domain.Tenancy;

namespace SoulKg.Domain.Funnel;

/// <summary>Who is moving a deal and why, for the history.</summary>
public sealed record StageActor(ActorType Type, Guid? Id, string? Name);

/// <summary>
/// The rules of moving a deal through the funnel. Pure: the stage service loads the rows, calls these, and saves
/// the deal and the returned history row in one transaction.
/// </summary>
public static class StageRules
{
    public static DealStageChange? Move(Deal deal, FunnelStage target, DateTimeOffset now, StageActor actor, string? reason)
    {
        if (target.OrgId != deal.OrgId)
        {
            throw DomainException.NotFound("stageId", "Такого этапа нет.");
        }

        if (deal.Status != DealStatus.Open)
        {
            throw DomainException.Conflict("stageId", "Сделка закрыта. Сначала откройте её заново.");
        }

        if (target.IsArchived)
        {
            throw DomainException.Invalid("stageId", $"Этап «{target.Name}» в архиве и не принимает сделки.");
        }

        if (deal.StageId == target.Id)
        {
            return null;
        }

        var change = Record(deal, target.Id, DealStatus.Open, now, actor, reason);
        deal.StageId = target.Id;
        deal.StageEnteredAt = now;
        deal.NeedsStageReview = false;
        deal.UpdatedAt = now;
        return change;
    }

    public static DealStageChange CloseLost(Deal deal, LostReason lostReason, string? note, DateTimeOffset now, StageActor actor)
    {
        if (deal.Status == DealStatus.Lost)
        {
            throw DomainException.Conflict("status", "Сделка уже закрыта как отказ.");
        }

        if (lostReason.IsArchived || lostReason.OrgId != deal.OrgId)
        {
            throw DomainException.Invalid("lostReasonId", "Выберите причину отказа из списка.");
        }

        var change = Record(deal, deal.StageId, DealStatus.Lost, now, actor, note is null ? lostReason.Name : $"{lostReason.Name}: {note}");
        deal.Status = DealStatus.Lost;
        deal.LostReasonId = lostReason.Id;
        deal.LostNote = note;
        deal.ClosedAt = now;
        deal.UpdatedAt = now;
        return change;
    }

    public static DealStageChange MarkWon(Deal deal, DateTimeOffset now, StageActor actor, string? reason)
    {
        if (deal.Status == DealStatus.Won)
        {
            throw DomainException.Conflict("status", "Сделка уже выиграна.");
        }

        var change = Record(deal, deal.StageId, DealStatus.Won, now, actor, reason);
        deal.Status = DealStatus.Won;
        deal.LostReasonId = null;
        deal.LostNote = null;
        deal.ClosedAt = now;
        deal.UpdatedAt = now;
        return change;
    }

    public static DealStageChange Reopen(Deal deal, FunnelStage stage, DateTimeOffset now, StageActor actor, string? reason)
    {
        if (deal.Status == DealStatus.Open)
        {
            throw DomainException.Conflict("status", "Сделка и так открыта.");
        }

        if (stage.IsArchived || stage.OrgId != deal.OrgId)
        {
            throw DomainException.Invalid("stageId", "Выберите действующий этап.");
        }

        var change = Record(deal, stage.Id, DealStatus.Open, now, actor, reason);
        deal.Status = DealStatus.Open;
        deal.StageId = stage.Id;
        deal.StageEnteredAt = now;
        deal.LostReasonId = null;
        deal.LostNote = null;
        deal.ClosedAt = null;
        deal.UpdatedAt = now;
        return change;
    }

    private static DealStageChange Record(Deal deal, Guid toStage, DealStatus toStatus, DateTimeOffset now, StageActor actor, string? reason) =>
        new()
        {
            OrgId = deal.OrgId,
            DealId = deal.Id,
            FromStageId = deal.StageId,
            ToStageId = toStage,
            FromStatus = deal.Status,
            ToStatus = toStatus,
            Reason = reason,
            ActorType = actor.Type,
            ActorId = actor.Id,
            ActorName = actor.Name,
            At = now,
        };
}
