using SoulKg.Domain;
using SoulKg.Domain.Agents;
using SoulKg.Infrastructure.Agents;
using SoulKg.Infrastructure.Agents.Offline;

namespace SoulKg.Tests.Agents;

/// <summary>What the offline model understands of a client's message; "today" is fixed so years are predictable.</summary>
public sealed class TripRequestParserTests
{
    private static readonly DateOnly Today = new(2026, 3, 15);

    private static TripFacts Parse(string text) => TripRequestParser.Parse(text, Today);

    [Fact]
    public void TheIssueExampleGivesEveryField()
    {
        var f = Parse("Здравствуйте, хотим в июле на Иссык-Куль, нас 4 взрослых и ребёнок, бюджет до 800$");
        (f.Month, f.Year, f.Region, f.Adults, f.Children, f.Budget, f.Currency, f.Language, f.Greeting, f.Handoff)
            .ShouldBe((7, 2026, "Иссык-Куль", 4, 1, 800m, Money.Usd, Languages.Russian, true, (HandoffReason?)null));
    }

    [Theory]
    [InlineData("с 10 по 15 августа", 2026, 8, 10, 15)]
    [InlineData("10-15 августа", 2026, 8, 10, 15)]
    [InlineData("на майские", 2026, 5, 1, 10)]
    [InlineData("from 3 to 7 March", 2027, 3, 3, 7)]
    [InlineData("July 20-25", 2026, 7, 20, 25)]
    public void DateRangesBecomeExactDatesInTheirNextOccurrence(string text, int year, int month, int from, int to)
    {
        var f = Parse(text);
        f.From.ShouldBe(new DateOnly(year, month, from));
        f.To.ShouldBe(new DateOnly(year, month, to));
    }

    [Theory]
    [InlineData("хотим в июле", 7, 2026)]
    [InlineData("in July please", 7, 2026)]
    [InlineData("поедем в феврале", 2, 2027)]
    [InlineData("в конце сентября", 9, 2026)]
    public void AMonthIsTheNextSuchMonth(string text, int month, int year)
    {
        var f = Parse(text);
        (f.Month, f.Year, f.From).ShouldBe((month, year, (DateOnly?)null));
    }

    [Theory]
    [InlineData("нас 4 взрослых и 2 детей", 4, 2)]
    [InlineData("нас 4", 4, 0)]
    [InlineData("нас двое взрослых и ребёнок", 2, 1)]
    [InlineData("4 adults and a child", 4, 1)]
    [InlineData("we are 3", 3, 0)]
    [InlineData("2 adults and 3 kids", 2, 3)]
    [InlineData("группа из 12 человек", 12, 0)]
    public void TheGroupIsCounted(string text, int adults, int children)
    {
        var f = Parse(text);
        (f.Adults, f.Children).ShouldBe((adults, children));
    }

    [Theory]
    [InlineData("бюджет до 800$", 800, "USD")]
    [InlineData("50 тыс сом", 50000, "KGS")]
    [InlineData("$1,200 max", 1200, "USD")]
    [InlineData("около 30 000 сом на человека", 30000, "KGS")]
    [InlineData("500 долларов", 500, "USD")]
    [InlineData("budget 700", 700, "USD")]
    public void BudgetsAndCurrenciesAreRead(string text, decimal amount, string currency)
    {
        var f = Parse(text);
        (f.Budget, f.Currency).ShouldBe((amount, currency));
    }

    [Fact]
    public void DatesAndGroupSizesAreNotMistakenForBudgets()
    {
        var f = Parse("с 10 по 15 августа, нас 4");
        f.Budget.ShouldBeNull();
        f.Adults.ShouldBe(4);
    }

    [Theory]
    [InlineData("Сон-Куль", "Сон-Куль")]
    [InlineData("Song-Kul trip", "Сон-Куль")]
    [InlineData("хотим в Каракол", "Каракол")]
    [InlineData("поход на Ала-Арчу", "Ала-Арча")]
    [InlineData("Issyk-Kul beach", "Иссык-Куль")]
    [InlineData("Ысык-Көлгө", "Иссык-Куль")]
    public void RegionsAreRecognised(string text, string region) => Parse(text).Region.ShouldBe(region);

    [Theory]
    [InlineData("Позовите менеджера", HandoffReason.AskedForPerson)]
    [InlineData("можно с живым человеком поговорить?", HandoffReason.AskedForPerson)]
    [InlineData("Please call a manager", HandoffReason.AskedForPerson)]
    [InlineData("I want to talk to a human", HandoffReason.AskedForPerson)]
    [InlineData("Это ужасно, я недовольна", HandoffReason.Complaint)]
    [InlineData("This is terrible, I want a refund", HandoffReason.Complaint)]
    [InlineData("Как оплатить предоплату?", HandoffReason.Payment)]
    public void RequestsForAPersonComplaintsAndPaymentAreRecognised(string text, HandoffReason reason) => Parse(text).Handoff.ShouldBe(reason);

    [Theory]
    [InlineData("Здравствуйте, хотим на Иссык-Куль", Languages.Russian)]
    [InlineData("Hi, we want to go to Karakol", Languages.English)]
    [InlineData("Саламатсызбы! Сон-Көлгө барабыз", Languages.Kyrgyz)]
    public void TheLanguageIsDetected(string text, string language) => Parse(text).Language.ShouldBe(language);

    [Fact]
    public void QuietHoursMoveAMomentToTheirEndInBishkek()
    {
        var settings = AgentDefaults.For(AgentKind.Sales) with { QuietFrom = new TimeOnly(22, 0), QuietTo = new TimeOnly(8, 0) };
        // 23:30 in Bishkek (UTC+6) is 17:30 UTC; the quiet hours end at 08:00 Bishkek = 02:00 UTC next day.
        settings.OutsideQuietHours(new DateTimeOffset(2026, 7, 1, 17, 30, 0, TimeSpan.Zero)).ShouldBe(new DateTimeOffset(2026, 7, 2, 2, 0, 0, TimeSpan.Zero));
        var noon = new DateTimeOffset(2026, 7, 1, 6, 0, 0, TimeSpan.Zero);
        settings.OutsideQuietHours(noon).ShouldBe(noon);
    }

    [Theory]
    [InlineData("Здравствуйте! Вот подходящие туры.", null)]
    [InlineData("", "пустой")]
    [InlineData("{\"name\": \"search_tours\"}", "служебный")]
    [InlineData("<|tool_call|>search", "служебный")]
    [InlineData("?!", "бессмысленный")]
    public void GarbageIsRecognised(string text, string? reason)
    {
        var why = AgentRunner.Garbage(text);
        if (reason is null)
        {
            why.ShouldBeNull();
        }
        else
        {
            why.ShouldNotBeNull().ShouldContain(reason);
        }
    }
}
