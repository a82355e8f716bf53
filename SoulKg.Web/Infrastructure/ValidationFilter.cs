using FluentValidation;

namespace SoulKg.Web.Infrastructure;

/// <summary>
/// Validates every endpoint argument that has a FluentValidation validator (the same validators the UI uses)
/// and answers 400 with the failing fields before the handler runs.
/// </summary>
public sealed class ValidationFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        foreach (var argument in context.Arguments)
        {
            if (argument is null || argument is string || argument.GetType().IsPrimitive)
            {
                continue;
            }

            var validatorType = typeof(IValidator<>).MakeGenericType(argument.GetType());
            if (context.HttpContext.RequestServices.GetService(validatorType) is not IValidator validator)
            {
                continue;
            }

            var result = await validator.ValidateAsync(new ValidationContext<object>(argument), context.HttpContext.RequestAborted);
            if (!result.IsValid)
            {
                // Field names as the JSON body spells them (camelCase), like the services' own errors.
                var errors = result.Errors
                    .GroupBy(e => CamelCase(e.PropertyName))
                    .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());
                return TypedResults.ValidationProblem(
                    errors,
                    title: "Проверьте поля запроса",
                    detail: string.Join(" ", result.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}")));
            }
        }

        return await next(context);
    }

    private static string CamelCase(string path) =>
        string.Join('.', path.Split('.').Select(part => part.Length == 0 ? part : char.ToLowerInvariant(part[0]) + part[1..]));
}
