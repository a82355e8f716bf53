using Microsoft.AspNetCore.Http.HttpResults;

namespace SoulKg.Web.Infrastructure;

/// <summary>Problems that endpoints return themselves, worded like the ones <see cref="ApiExceptionHandler"/> writes.</summary>
public static class ApiProblems
{
    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Не найдено", detail: detail);

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "Проверьте поля запроса", detail: message);
}
