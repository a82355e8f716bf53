using System.ComponentModel;
using FluentValidation;
using SoulKg.Infrastructure.Crm;

namespace SoulKg.Web.Infrastructure;

/// <summary>Keyset paging of every API list. Lists answer <c>{ items, nextCursor }</c>; a null nextCursor is the last page.</summary>
public sealed record PageQuery(
    [Description("nextCursor of the previous page, unchanged; omit for the first page")] string? Cursor,
    [Description("Page size, 1–200; 50 when omitted")] int? Limit);

public sealed class PageQueryValidator : AbstractValidator<PageQuery>
{
    public PageQueryValidator()
    {
        RuleFor(p => p.Limit).InclusiveBetween(1, Cursor.MaxLimit).When(p => p.Limit is not null)
            .OverridePropertyName("limit").WithMessage($"limit: от 1 до {Cursor.MaxLimit}.");

        // The services read an undecodable cursor as "first page"; over HTTP that would silently restart a client's loop.
        RuleFor(p => p.Cursor).Must(c => Cursor.TryDecode(c, out _, out _)).When(p => !string.IsNullOrEmpty(p.Cursor))
            .OverridePropertyName("cursor").WithMessage("Курсор повреждён: передайте nextCursor предыдущей страницы без изменений.");
    }
}
