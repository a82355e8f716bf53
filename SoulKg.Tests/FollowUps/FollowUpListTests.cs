using Bunit;
using SoulKg.Domain.FollowUps;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.FollowUps;
using SoulKg.Tests.Components;
using SoulKg.Web.Features.FollowUps;

namespace SoulKg.Tests.FollowUps;

public sealed class FollowUpListTests : MudTestContext
{
    private static readonly DateTimeOffset Due = new(2026, 7, 7, 4, 0, 0, TimeSpan.Zero);

    [Fact]
    public void PendingFollowUpsOfferCancelAndSendNowAndReportTheirIds()
    {
        var pending = Item(FollowUpKind.BeforeTrip, FollowUpStatus.Pending, "Завтра выезд в 8:00");
        var sent = Item(FollowUpKind.QuietClient, FollowUpStatus.Sent, null, "Отправлено");
        Guid? cancelled = null, sentNow = null;

        var cut = Render<FollowUpList>(p => p
            .Add(c => c.Items, [pending, sent])
            .Add(c => c.OnCancel, id => cancelled = id)
            .Add(c => c.OnSendNow, id => sentNow = id));

        cut.Find("[data-testid=client-follow-ups]").TextContent.ShouldContain("Напоминания");
        var rows = cut.FindAll("[data-testid=follow-up]");
        rows.Count.ShouldBe(2);
        rows[0].TextContent.ShouldContain("Перед поездкой");
        rows[0].TextContent.ShouldContain("07.07.2026 10:00"); // Bishkek time
        rows[0].TextContent.ShouldContain("Завтра выезд в 8:00");
        rows[1].TextContent.ShouldContain("Клиент молчит");
        rows[1].TextContent.ShouldContain("Отправлено");
        rows[1].QuerySelectorAll("button").ShouldBeEmpty();

        cut.FindAll("button").Single(b => b.TextContent.Contains("Отменить")).Click();
        cancelled.ShouldBe(pending.Id);
        cut.FindAll("button").Single(b => b.TextContent.Contains("Отправить сейчас")).Click();
        sentNow.ShouldBe(pending.Id);
    }

    [Fact]
    public void AnEmptyListSaysSo()
    {
        var cut = Render<FollowUpList>(p => p.Add(c => c.Items, []));

        cut.Markup.ShouldContain("Напоминаний нет.");
        cut.FindAll("button").ShouldBeEmpty();
    }

    [Fact]
    public void ButtonsAreDisabledWhileBusy()
    {
        var cut = Render<FollowUpList>(p => p.Add(c => c.Items, [Item(FollowUpKind.AfterTrip, FollowUpStatus.Pending, null)]).Add(c => c.Busy, true));

        cut.FindAll("button").ShouldAllBe(b => b.HasAttribute("disabled"));
    }

    private static FollowUpItem Item(FollowUpKind kind, FollowUpStatus status, string? text, string? outcome = null) =>
        new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), kind, Due, text, "тест", status, ActorType.System, "Правила", null, Due.AddDays(-1),
            status == FollowUpStatus.Pending ? null : Due, outcome, null);
}
