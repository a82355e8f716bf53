using Bunit;
using SoulKg.Domain.Agents;
using SoulKg.Tests.Components;
using SoulKg.Web.Features.Agents;

namespace SoulKg.Tests.Agents;

/// <summary>The agents screen's pieces: the tool-call table of a run, and the form's conversions.</summary>
public sealed class AgentComponentsTests : MudTestContext
{
    [Fact]
    public void ToolCallsShowArgumentsResultsAndFailures()
    {
        AgentToolCall[] calls =
        [
            new(1, AgentTools.UpdateTripRequest, "{\"month\":\"7\"}", "{\"adults\":4}", true, null, 3.2, "Qualification"),
            new(2, AgentTools.MoveStage, "{\"stage\":\"Moon\"}", "", false, "Unknown stage", 0.4, "Qualification"),
        ];

        var cut = Render<AgentToolCalls>(p => p.Add(c => c.Calls, calls));

        var rows = cut.FindAll("[data-testid=tool-call]");
        rows.Count.ShouldBe(2);
        rows[0].TextContent.ShouldContain("\"month\":\"7\"");
        rows[0].TextContent.ShouldContain("\"adults\":4");
        rows[1].ClassList.ShouldContain("failed");
        rows[1].TextContent.ShouldContain("Unknown stage");
        cut.Find("thead").TextContent.ShouldContain("Инструмент");
    }

    [Fact]
    public void TheFormRoundTripsSettingsAndRefusesABadTime()
    {
        var settings = AgentDefaults.For(AgentKind.Sales) with { Tools = [AgentTools.ReadContext, AgentTools.HandOff] };
        var form = AgentForm.From(settings);

        var (back, _, _) = form.ToSettings();
        back.ShouldNotBeNull();
        back.DiffFrom(settings).ShouldBeEmpty();
        form.Tools.Add(AgentTools.SearchTours);
        form.ToSettings().Settings!.Tools.ShouldBe([AgentTools.ReadContext, AgentTools.SearchTours, AgentTools.HandOff]); // the catalogue's order

        form.QuietFrom = "25:99";
        var (none, field, error) = form.ToSettings();
        none.ShouldBeNull();
        field.ShouldBe("QuietFrom");
        error.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void ASampleDialogueSplitsIntoClientAndAgentLines()
    {
        var lines = AgentForm.ParseDialogue("Здравствуйте\nАгент: Добрый день! Куда хотите?\n\nКлиент: на Сон-Куль");

        lines.Select(l => (l.Author, l.Text)).ShouldBe([("client", "Здравствуйте"), ("agent", "Добрый день! Куда хотите?"), ("client", "на Сон-Куль")]);
    }
}
