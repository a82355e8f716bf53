using FluentValidation;

namespace SoulKg.Web.Features.Users;

/// <summary>
/// Adapts a FluentValidation validator to MudForm's <c>Validation</c> parameter, so a form shows the same
/// messages the API returns. MudForm calls it once per field that has <c>For</c>, with that field's name.
/// </summary>
public static class MudFluentValidation
{
    public static Func<object, string, Task<IEnumerable<string>>> ForMudForm<T>(this IValidator<T> validator) =>
        async (model, propertyName) =>
        {
            var result = await validator.ValidateAsync(ValidationContext<T>.CreateWithOptions((T)model, o => o.IncludeProperties(propertyName)));
            return result.IsValid ? [] : result.Errors.Select(e => e.ErrorMessage);
        };
}
