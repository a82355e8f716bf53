using Microsoft.Extensions.Localization;
using MudBlazor;
using SoulKg.Domain.Agents;

namespace SoulKg.Web.Features.Agents;

/// <summary>Names and colours the agents screens share.</summary>
public static class AgentLabels
{
    public static string Kind(IStringLocalizer L, AgentKind kind) => L["Agents_Kind_" + kind];

    public static string Outcome(IStringLocalizer L, AgentRunOutcome outcome) => L["Agents_Outcome_" + outcome];

    public static Color OutcomeColor(AgentRunOutcome outcome) => outcome switch
    {
        AgentRunOutcome.Replied => Color.Success,
        AgentRunOutcome.HandedOff => Color.Info,
        AgentRunOutcome.TakenOver => Color.Default,
        AgentRunOutcome.Failed => Color.Error,
        AgentRunOutcome.Running => Color.Primary,
        _ => Color.Warning,
    };
}
