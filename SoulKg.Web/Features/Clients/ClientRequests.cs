using System.ComponentModel;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using SoulKg.Domain;
using SoulKg.Domain.Clients;
using SoulKg.Infrastructure.Crm;

namespace SoulKg.Web.Features.Clients;

/// <summary>The filters of GET /clients and its CSV export.</summary>
public sealed record ClientListParameters(
    [property: FromQuery(Name = "search"), Description("Part of the name, or at least 3 digits of a phone")] string? Search,
    [property: FromQuery(Name = "source")] ClientSource? Source,
    [property: FromQuery(Name = "tag")] string? Tag,
    [property: FromQuery(Name = "responsibleUserId")] Guid? ResponsibleUserId,
    [property: FromQuery(Name = "language"), Description("ru, en or ky")] string? Language)
{
    public ClientQuery ToQuery() => new()
    {
        Search = Search,
        Source = Source,
        Tag = Tag,
        ResponsibleUserId = ResponsibleUserId,
        Language = Language,
    };
}

public sealed class ClientListParametersValidator : AbstractValidator<ClientListParameters>
{
    public ClientListParametersValidator()
    {
        RuleFor(p => p.Search).MaximumLength(200).OverridePropertyName("search").WithMessage("Поиск — не длиннее 200 символов.");
        RuleFor(p => p.Source).IsInEnum().OverridePropertyName("source").WithMessage("Неизвестный источник.");
        RuleFor(p => p.Tag).MaximumLength(50).OverridePropertyName("tag").WithMessage("Тег — не длиннее 50 символов.");
        RuleFor(p => p.Language).Must(Languages.IsKnown).When(p => !string.IsNullOrEmpty(p.Language))
            .OverridePropertyName("language").WithMessage("Язык: ru, en или ky.");
    }
}

public sealed record AddNoteRequest(string Text);

public sealed class AddNoteRequestValidator : AbstractValidator<AddNoteRequest>
{
    public AddNoteRequestValidator() =>
        RuleFor(n => n.Text).NotEmpty().WithMessage("Напишите текст заметки.").MaximumLength(10_000).WithMessage("Заметка — не длиннее 10 000 символов.");
}

/// <summary>The client named in the route survives; <see cref="MergedId"/> is folded into it and disappears from lists.</summary>
public sealed record MergeClientsRequest(Guid MergedId);

public sealed class MergeClientsRequestValidator : AbstractValidator<MergeClientsRequest>
{
    public MergeClientsRequestValidator() => RuleFor(m => m.MergedId).NotEmpty().WithMessage("Укажите клиента, которого нужно присоединить.");
}
