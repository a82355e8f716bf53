using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SoulKg.Domain;
using SoulKg.Infrastructure.Crm;

namespace SoulKg.Web.Infrastructure;

/// <summary>Turns exceptions on API requests into problem details; the UI keeps its error page.</summary>
public sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!httpContext.Request.Path.StartsWithSegments("/api"))
        {
            return false;
        }

        if (exception is DomainException domain)
        {
            return await WriteDomainAsync(httpContext, domain);
        }

        var (status, title, detail) = exception switch
        {
            StaleVersionException => (StatusCodes.Status412PreconditionFailed, "Запись изменена", "Запись изменил кто-то другой. Получите её заново (новый ETag) и повторите."),
            BadHttpRequestException bad => (bad.StatusCode, "Некорректный запрос", bad.InnerException is System.Text.Json.JsonException json
                ? $"Тело запроса не является корректным JSON: {json.Message}"
                : bad.Message),
            DbUpdateConcurrencyException => (StatusCodes.Status409Conflict, "Конфликт изменений", "Запись изменил кто-то другой. Получите её заново и повторите."),
            OperationCanceledException when cancellationToken.IsCancellationRequested => (499, "Запрос отменён", "Клиент закрыл соединение."),
            _ => (StatusCodes.Status500InternalServerError, "Внутренняя ошибка", "Что-то пошло не так. Сообщите traceId администратору."),
        };
        if (status >= 500)
        {
            logger.LogError(exception, "Unhandled API exception");
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    private async Task<bool> WriteDomainAsync(HttpContext httpContext, DomainException domain)
    {
        var status = domain.Kind switch
        {
            DomainErrorKind.NotFound => StatusCodes.Status404NotFound,
            DomainErrorKind.Conflict => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status400BadRequest,
        };
        var problem = domain.Kind == DomainErrorKind.Invalid
            ? new HttpValidationProblemDetails(new Dictionary<string, string[]> { [domain.Field] = [domain.Message] }) { Title = "Проверьте поля запроса" }
            : new ProblemDetails { Title = domain.Kind == DomainErrorKind.NotFound ? "Не найдено" : "Конфликт" };
        problem.Status = status;
        problem.Detail = domain.Message;
        problem.Extensions["field"] = domain.Field;
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem });
    }
}
