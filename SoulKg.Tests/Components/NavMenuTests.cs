using Bunit;
using SoulKg.Domain.Tenancy;
using SoulKg.Web.Components.Layout;

namespace SoulKg.Tests.Components;

public sealed class NavMenuTests : MudTestContext
{
    [Fact]
    public void OwnerSeesAnalyticsUsersAndAudit()
    {
        SignInAs(OrgRole.Owner);

        var cut = Render<NavMenu>();

        LinkTexts(cut).ShouldBe(["Воронка", "Входящие", "Клиенты", "Заявки", "Туры", "Партнёры", "Аналитика", "Этапы воронки", "Пользователи", "Журнал аудита"]);
        cut.Find("a[href='analytics']").TextContent.ShouldContain("Аналитика");
        cut.Find("a[href='settings/users']").TextContent.ShouldContain("Пользователи");
    }

    [Fact]
    public void OperatorSeesNeitherAnalyticsNorUsers()
    {
        SignInAs(OrgRole.Operator);

        var cut = Render<NavMenu>();

        LinkTexts(cut).ShouldBe(["Воронка", "Входящие", "Туры", "Партнёры"]);
        cut.Markup.ShouldNotContain("Аналитика");
        cut.Markup.ShouldNotContain("Пользователи");
        cut.FindAll("a[href='analytics']").ShouldBeEmpty();
    }

    [Fact]
    public void ManagerSeesAnalyticsAndAuditButNotUsers()
    {
        SignInAs(OrgRole.Manager);

        var cut = Render<NavMenu>();

        LinkTexts(cut).ShouldContain("Аналитика");
        LinkTexts(cut).ShouldContain("Журнал аудита");
        LinkTexts(cut).ShouldNotContain("Пользователи");
    }

    [Fact]
    public void SalesSeesClientsButNotAnalytics()
    {
        SignInAs(OrgRole.Sales);

        var cut = Render<NavMenu>();

        LinkTexts(cut).ShouldContain("Клиенты");
        LinkTexts(cut).ShouldContain("Заявки");
        LinkTexts(cut).ShouldNotContain("Аналитика");
    }

    [Fact]
    public void MenuIsInEnglishForEnglishUsers()
    {
        UseCulture("en");
        SignInAs(OrgRole.Owner);

        var cut = Render<NavMenu>();

        LinkTexts(cut).ShouldContain("Funnel");
        LinkTexts(cut).ShouldContain("Analytics");
        cut.Markup.ShouldNotContain("Воронка");
    }

    private static List<string> LinkTexts(IRenderedComponent<NavMenu> cut) =>
        [.. cut.FindAll("a[href]").Select(a => a.TextContent.Trim())];
}
