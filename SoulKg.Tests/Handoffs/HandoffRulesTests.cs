using SoulKg.Domain.Handoffs;

namespace SoulKg.Tests.Handoffs;

public sealed class HandoffRulesTests
{
    [Theory]
    [InlineData("да", true, null)]
    [InlineData("Да, беру!", true, null)]
    [InlineData("YES", true, null)]
    [InlineData("Ооба", true, null)]
    [InlineData("нет", false, null)]
    [InlineData("Нет, заняты до августа", false, "заняты до августа")]
    [InlineData("no", false, null)]
    [InlineData("Жок — юрты полные", false, "юрты полные")]
    public void PartnerAnswersInRussianEnglishAndKyrgyzAreRead(string text, bool accepts, string? reason)
    {
        var answer = HandoffRules.ParseAnswer(text).ShouldNotBeNull();
        answer.Accepts.ShouldBe(accepts);
        answer.Reason.ShouldBe(reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Сколько человек?")]
    [InlineData("данные пришлите")]
    [InlineData("нетрудно, но уточните даты")]
    public void OtherMessagesAreNotAnswers(string text) => HandoffRules.ParseAnswer(text).ShouldBeNull();

    [Fact]
    public void AnAnswerAfterTheDeadlineIsRefused()
    {
        var handoff = new Handoff { TokenHash = "x", Status = HandoffStatus.Pending, CreatedAt = DateTimeOffset.UtcNow.AddHours(-3), ExpiresAt = DateTimeOffset.UtcNow.AddHours(-1) };
        Should.Throw<SoulKg.Domain.DomainException>(() => HandoffRules.Respond(handoff, true, null, HandoffChannel.Link, DateTimeOffset.UtcNow));
        handoff.Status.ShouldBe(HandoffStatus.Pending);
    }

    [Fact]
    public void TheCardCarriesTheFirstNameOnly() => HandoffRules.FirstName("Айгуль Асанова").ShouldBe("Айгуль");
}
