using System.ComponentModel;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using SoulKg.Infrastructure.Crm;

namespace SoulKg.Web.Infrastructure;

/// <summary>Keyset paging of every API list. Lists answer <c>{ items, nextCursor }</c>; a null nextCursor is the last page.</summary>
/// <remarks>
/// The query names are spelled out in camelCase for the OpenAPI document (binding ignores case anyway). [AsParameters]
/// records keep their attributes on the properties: on constructor parameters the OpenAPI generator throws
/// InvalidCastException (dotnet/aspnetcore#65348).
/// </remarks>
public sealed record PageQuery(
    [property: FromQuery(Name = "cursor"), Description("nextCursor of the previous page, unchanged; omit for the first page")] string? Cursor,
    [property: FromQuery(Name = "limit"), Description("Page size, 1–200; 50 when omitted")] int? Limit);

public sealed class PageQueryValidator : AbstractValidator<PageQuery>
{
    public PageQueryValidator()
    {
        RuleFor(p => p.Limit).InclusiveBetween(1, Cursor.MaxLimit).When(p => p.Limit is not null)
            .OverridePropertyName("limit").WithMessage($"Размер страницы: от 1 до {Cursor.MaxLimit}.");

        // The services read an undecodable cursor as "first page"; over HTTP that would silently restart a client's loop.
        RuleFor(p => p.Cursor).Must(c => Cursor.TryDecode(c, out _, out _)).When(p => !string.IsNullOrEmpty(p.Cursor))
            .OverridePropertyName("cursor").WithMessage("Курсор повреждён: передайте nextCursor предыдущей страницы без изменений.");
    }
}
