using Microsoft.AspNetCore.Mvc;

namespace SoulKg.Web.Infrastructure;

/// <summary>RFC 9457 problem details written outside endpoints (auth handlers, rate limiter).</summary>
public static class ProblemResults
{
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        context.Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
