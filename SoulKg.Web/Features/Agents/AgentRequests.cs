using FluentValidation;
using SoulKg.Domain.Agents;
using SoulKg.Infrastructure.Agents;

namespace SoulKg.Web.Features.Agents;

/// <summary>A save of an agent's settings: a new version, with an optional comment for the history.</summary>
public sealed record SaveAgentRequest(AgentSettings Settings, string? Comment);

/// <summary>Unsaved settings (or the current ones when absent) tried against a sample dialogue that ends with the client's words.</summary>
public sealed record TrialRequest(AgentSettings? Settings, IReadOnlyList<TrialLine> Dialogue);

public sealed class SaveAgentRequestValidator : AbstractValidator<SaveAgentRequest>
{
    public SaveAgentRequestValidator()
    {
        RuleFor(r => r.Settings).NotNull().WithMessage("Передайте настройки агента.").SetValidator(new AgentSettingsValidator());
        RuleFor(r => r.Comment).MaximumLength(500).WithMessage("Комментарий — не длиннее 500 символов.");
    }
}

public sealed class TrialRequestValidator : AbstractValidator<TrialRequest>
{
    public TrialRequestValidator()
    {
        RuleFor(r => r.Settings!).SetValidator(new AgentSettingsValidator()).When(r => r.Settings is not null);
        RuleFor(r => r.Dialogue).NotEmpty().WithMessage("Добавьте хотя бы одну реплику клиента.")
            .Must(d => d.Count <= 20).WithMessage("Не больше 20 реплик.")
            .Must(d => d.Count == 0 || d[^1].Author == "client").WithMessage("Диалог должен заканчиваться репликой клиента.");
        RuleForEach(r => r.Dialogue).ChildRules(line =>
        {
            line.RuleFor(l => l.Author).Must(a => a is "client" or "agent").WithMessage("Автор реплики: client или agent.");
            line.RuleFor(l => l.Text).NotEmpty().WithMessage("Реплика пустая.").MaximumLength(2000).WithMessage("Реплика — не длиннее 2000 символов.");
        });
    }
}
