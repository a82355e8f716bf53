using Bunit;
using SoulKg.Web.Components.Shared;

namespace SoulKg.Tests.Components;

public sealed class ForbiddenTests : MudTestContext
{
    [Fact]
    public void ShowsTheCode403AndWhyInRussian()
    {
        var cut = Render<Forbidden>();

        cut.Find("#forbidden-title").TextContent.ShouldBe("403 · Доступ запрещён");
        cut.Markup.ShouldContain("Вашей роли эта страница недоступна");
    }

    [Fact]
    public void ShowsTheCode403InEnglish()
    {
        UseCulture("en");

        var cut = Render<Forbidden>();

        cut.Find("#forbidden-title").TextContent.ShouldBe("403 · Access denied");
    }
}
