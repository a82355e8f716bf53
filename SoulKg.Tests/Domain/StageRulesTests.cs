using SoulKg.Domain;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Tenancy;

namespace SoulKg.Tests.Domain;

public sealed class StageRulesTests
{
    private static readonly Guid OrgId = Guid.NewGuid();
    private static readonly DateTimeOffset Created = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2026, 3, 5, 12, 30, 0, TimeSpan.Zero);
    private static readonly StageActor Actor = new(ActorType.User, Guid.NewGuid(), "Айгуль");

    private readonly FunnelStage _first = Stage("Новый лид", 0);
    private readonly FunnelStage _second = Stage("Квалификация", 1);

    [Fact]
    public void MoveChangesTheStageAndRecordsTheHistoryRow()
    {
        var deal = OpenDeal(_first);
        deal.NeedsStageReview = true;

        var change = StageRules.Move(deal, _second, Now, Actor, "Клиент ответил").ShouldNotBeNull();

        deal.StageId.ShouldBe(_second.Id);
        deal.StageEnteredAt.ShouldBe(Now);
        deal.UpdatedAt.ShouldBe(Now);
        deal.NeedsStageReview.ShouldBeFalse();
        deal.Status.ShouldBe(DealStatus.Open);
        change.OrgId.ShouldBe(OrgId);
        change.DealId.ShouldBe(deal.Id);
        change.FromStageId.ShouldBe(_first.Id);
        change.ToStageId.ShouldBe(_second.Id);
        change.FromStatus.ShouldBe(DealStatus.Open);
        change.ToStatus.ShouldBe(DealStatus.Open);
        change.Reason.ShouldBe("Клиент ответил");
        change.ActorType.ShouldBe(ActorType.User);
        change.ActorId.ShouldBe(Actor.Id);
        change.ActorName.ShouldBe("Айгуль");
        change.At.ShouldBe(Now);
    }

    [Fact]
    public void MoveToTheCurrentStageChangesNothing()
    {
        var deal = OpenDeal(_first);

        StageRules.Move(deal, _first, Now, Actor, null).ShouldBeNull();

        deal.StageEnteredAt.ShouldBe(Created);
    }

    [Theory]
    [InlineData(DealStatus.Won)]
    [InlineData(DealStatus.Lost)]
    public void ClosedDealCannotMove(DealStatus status)
    {
        var deal = OpenDeal(_first);
        deal.Status = status;

        var error = Should.Throw<DomainException>(() => StageRules.Move(deal, _second, Now, Actor, null));

        error.Kind.ShouldBe(DomainErrorKind.Conflict);
        deal.StageId.ShouldBe(_first.Id);
    }

    [Fact]
    public void ArchivedStageRefusesDeals()
    {
        var deal = OpenDeal(_first);
        _second.IsArchived = true;

        var error = Should.Throw<DomainException>(() => StageRules.Move(deal, _second, Now, Actor, null));

        error.Kind.ShouldBe(DomainErrorKind.Invalid);
        error.Field.ShouldBe("stageId");
        deal.StageId.ShouldBe(_first.Id);
    }

    [Fact]
    public void StageOfAnotherOrganisationIsNotFound()
    {
        var deal = OpenDeal(_first);
        var foreign = Stage("Чужой", 1);
        foreign.OrgId = Guid.NewGuid();

        Should.Throw<DomainException>(() => StageRules.Move(deal, foreign, Now, Actor, null)).Kind.ShouldBe(DomainErrorKind.NotFound);
    }

    [Fact]
    public void CloseLostKeepsTheStageAndRecordsTheReasonAndNote()
    {
        var deal = OpenDeal(_second);
        var reason = new LostReason { OrgId = OrgId, Name = "Дорого" };

        var change = StageRules.CloseLost(deal, reason, "Нашли дешевле", Now, Actor);

        deal.Status.ShouldBe(DealStatus.Lost);
        deal.StageId.ShouldBe(_second.Id);
        deal.LostReasonId.ShouldBe(reason.Id);
        deal.LostNote.ShouldBe("Нашли дешевле");
        deal.ClosedAt.ShouldBe(Now);
        change.FromStatus.ShouldBe(DealStatus.Open);
        change.ToStatus.ShouldBe(DealStatus.Lost);
        change.FromStageId.ShouldBe(_second.Id);
        change.ToStageId.ShouldBe(_second.Id);
        change.Reason.ShouldBe("Дорого: Нашли дешевле");
    }

    [Fact]
    public void CloseLostTwiceIsAConflict()
    {
        var deal = OpenDeal(_first);
        var reason = new LostReason { OrgId = OrgId, Name = "Дорого" };
        StageRules.CloseLost(deal, reason, null, Now, Actor);

        Should.Throw<DomainException>(() => StageRules.CloseLost(deal, reason, null, Now, Actor)).Kind.ShouldBe(DomainErrorKind.Conflict);
    }

    [Fact]
    public void CloseLostRefusesAnArchivedReason()
    {
        var deal = OpenDeal(_first);
        var reason = new LostReason { OrgId = OrgId, Name = "Старая", IsArchived = true };

        var error = Should.Throw<DomainException>(() => StageRules.CloseLost(deal, reason, null, Now, Actor));

        error.Field.ShouldBe("lostReasonId");
        deal.Status.ShouldBe(DealStatus.Open);
    }

    [Fact]
    public void MarkWonClosesTheDealAndClearsALostReason()
    {
        var deal = OpenDeal(_first);
        deal.Status = DealStatus.Lost;
        deal.LostReasonId = Guid.NewGuid();
        deal.LostNote = "старое";

        var change = StageRules.MarkWon(deal, Now, Actor, "Оплатили");

        deal.Status.ShouldBe(DealStatus.Won);
        deal.LostReasonId.ShouldBeNull();
        deal.LostNote.ShouldBeNull();
        deal.ClosedAt.ShouldBe(Now);
        change.FromStatus.ShouldBe(DealStatus.Lost);
        change.ToStatus.ShouldBe(DealStatus.Won);
        change.Reason.ShouldBe("Оплатили");
    }

    [Fact]
    public void MarkWonTwiceIsAConflict()
    {
        var deal = OpenDeal(_first);
        StageRules.MarkWon(deal, Now, Actor, null);

        Should.Throw<DomainException>(() => StageRules.MarkWon(deal, Now, Actor, null)).Kind.ShouldBe(DomainErrorKind.Conflict);
    }

    [Fact]
    public void ReopenPutsAClosedDealOnTheChosenStage()
    {
        var deal = OpenDeal(_first);
        StageRules.CloseLost(deal, new LostReason { OrgId = OrgId, Name = "Дорого" }, "note", Now.AddHours(-1), Actor);

        var change = StageRules.Reopen(deal, _second, Now, Actor, "Вернулись");

        deal.Status.ShouldBe(DealStatus.Open);
        deal.StageId.ShouldBe(_second.Id);
        deal.StageEnteredAt.ShouldBe(Now);
        deal.LostReasonId.ShouldBeNull();
        deal.LostNote.ShouldBeNull();
        deal.ClosedAt.ShouldBeNull();
        change.FromStatus.ShouldBe(DealStatus.Lost);
        change.ToStatus.ShouldBe(DealStatus.Open);
        change.FromStageId.ShouldBe(_first.Id);
        change.ToStageId.ShouldBe(_second.Id);
    }

    [Fact]
    public void ReopenAnOpenDealIsAConflict() =>
        Should.Throw<DomainException>(() => StageRules.Reopen(OpenDeal(_first), _first, Now, Actor, null)).Kind.ShouldBe(DomainErrorKind.Conflict);

    [Fact]
    public void ReopenOnAnArchivedStageIsRefused()
    {
        var deal = OpenDeal(_first);
        StageRules.MarkWon(deal, Now, Actor, null);
        _second.IsArchived = true;

        Should.Throw<DomainException>(() => StageRules.Reopen(deal, _second, Now, Actor, null)).Kind.ShouldBe(DomainErrorKind.Invalid);
        deal.Status.ShouldBe(DealStatus.Won);
    }

    private static FunnelStage Stage(string name, int order) => new() { OrgId = OrgId, Name = name, Order = order };

    private static Deal OpenDeal(FunnelStage stage) =>
        new() { OrgId = OrgId, ClientId = Guid.NewGuid(), StageId = stage.Id, Status = DealStatus.Open, StageEnteredAt = Created, CreatedAt = Created, UpdatedAt = Created };
}
