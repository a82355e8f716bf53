using FluentValidation;

namespace SoulKg.Web.Features.Funnel;

/// <summary>The new order of the active stages: each of them exactly once.</summary>
public sealed record ReorderStagesRequest(IReadOnlyList<Guid> StageIds);

public sealed class ReorderStagesRequestValidator : AbstractValidator<ReorderStagesRequest>
{
    public ReorderStagesRequestValidator() =>
        RuleFor(r => r.StageIds).NotEmpty().WithMessage("Перечислите этапы в новом порядке.")
            .Must(ids => ids.Count <= 100).WithMessage("Слишком много этапов.");
}

public sealed record LostReasonRequest(string Name);

public sealed class LostReasonRequestValidator : AbstractValidator<LostReasonRequest>
{
    public LostReasonRequestValidator() =>
        RuleFor(r => r.Name).NotEmpty().WithMessage("Укажите причину.").MaximumLength(100).WithMessage("Причина — не длиннее 100 символов.");
}
