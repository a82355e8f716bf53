using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using SoulKg.Infrastructure.Identity;
using SoulKg.Infrastructure.Tenancy;
using SoulKg.Web.Infrastructure.Auth;

namespace SoulKg.Web.Features.Auth;

public sealed record TokenRequest(string Email, string Password);

public sealed record RefreshRequest(string RefreshToken);

public sealed record SignUpBody(string OrganizationName, string DisplayName, string Email, string Password, string? Culture);

public sealed record MeResponse(Guid UserId, string Email, string DisplayName, string Culture, Guid OrgId, string OrgName, string Role, IReadOnlyList<string> Permissions);

public static class AuthEndpoints
{
    public static void MapAuthEndpoints(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Auth").RequireRateLimiting(WebDependencyInjection.SignInRateLimit);

        auth.MapPost("/token", IssueTokenAsync)
            .WithSummary("Exchange e-mail and password for an access token and a refresh token")
            .AllowAnonymous();
        auth.MapPost("/refresh", RefreshAsync)
            .WithSummary("Exchange a refresh token for a new token pair (the old refresh token is revoked)")
            .AllowAnonymous();
        auth.MapPost("/signup", SignUpAsync)
            .WithSummary("Create an organisation and its owner")
            .AllowAnonymous();

        api.MapGet("/me", GetMeAsync)
            .WithTags("Auth")
            .WithSummary("The signed-in user, their organisation, role and permissions")
            .RequireAuthorization();
    }

    private static async Task<Results<Ok<TokenPair>, ProblemHttpResult>> IssueTokenAsync(
        TokenRequest request, UserManager<ApplicationUser> users, SignInManager<ApplicationUser> signIn, TokenService tokens, CancellationToken ct)
    {
        var user = await users.FindByEmailAsync(request.Email);
        if (user is null)
        {
            return InvalidCredentials();
        }

        var check = await signIn.CheckPasswordSignInAsync(user, request.Password, lockoutOnFailure: true);
        if (check.IsLockedOut)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status423Locked, title: "Учётная запись заблокирована",
                detail: "Слишком много неудачных попыток входа. Повторите позже.");
        }

        if (check.IsNotAllowed)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Вход запрещён", detail: "Учётная запись отключена.");
        }

        return check.Succeeded ? TypedResults.Ok(await tokens.IssueAsync(user, ct)) : InvalidCredentials();
    }

    private static async Task<Results<Ok<TokenPair>, ProblemHttpResult>> RefreshAsync(
        RefreshRequest request, UserManager<ApplicationUser> users, SignInManager<ApplicationUser> signIn, TokenService tokens, CancellationToken ct)
    {
        var redeemed = await tokens.RedeemAsync(request.RefreshToken, ct);
        var user = redeemed is null ? null : await users.FindByIdAsync(redeemed.UserId.ToString());
        if (user is null || !await signIn.CanSignInAsync(user))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Недействительный токен обновления",
                detail: "Токен обновления истёк, отозван или уже использован. Войдите заново.");
        }

        return TypedResults.Ok(await tokens.IssueAsync(user, ct));
    }

    private static async Task<Results<Created<MeResponse>, ValidationProblem>> SignUpAsync(
        SignUpBody body, SignUpService signUp, UserManager<ApplicationUser> users, TokenService tokens, CancellationToken ct)
    {
        var result = await signUp.SignUpAsync(new SignUpRequest(body.OrganizationName, body.DisplayName, body.Email, body.Password, body.Culture ?? "ru"), ct);
        if (!result.Succeeded)
        {
            return TypedResults.ValidationProblem(result.Errors, title: "Не удалось зарегистрироваться");
        }

        var user = (await users.FindByIdAsync(result.UserId!.Value.ToString()))!;
        return TypedResults.Created("/api/v1/me", new MeResponse(user.Id, user.Email!, user.DisplayName, user.Culture, result.OrgId!.Value,
            body.OrganizationName.Trim(), nameof(SoulKg.Domain.Tenancy.OrgRole.Owner), SoulKg.Domain.Tenancy.Permissions.All));
    }

    private static async Task<Results<Ok<MeResponse>, NotFound>> GetMeAsync(ClaimsPrincipal principal, UserManager<ApplicationUser> users, OrgContext org)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null || org.Role is not { } role)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(new MeResponse(user.Id, user.Email!, user.DisplayName, user.Culture, org.RequiredOrgId,
            principal.FindFirstValue(SoulKgClaims.OrgName) ?? "", role.ToString(), [.. SoulKg.Domain.Tenancy.Permissions.For(role)]));
    }

    private static ProblemHttpResult InvalidCredentials() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Неверный e-mail или пароль", detail: "Проверьте e-mail и пароль.");
}

public sealed class TokenRequestValidator : AbstractValidator<TokenRequest>
{
    public TokenRequestValidator()
    {
        RuleFor(r => r.Email).NotEmpty().WithMessage("Укажите e-mail.").MaximumLength(256).EmailAddress().WithMessage("E-mail указан неверно.");
        RuleFor(r => r.Password).NotEmpty().WithMessage("Укажите пароль.").MaximumLength(128);
    }
}

public sealed class RefreshRequestValidator : AbstractValidator<RefreshRequest>
{
    public RefreshRequestValidator() => RuleFor(r => r.RefreshToken).NotEmpty().WithMessage("Укажите токен обновления.").MaximumLength(200);
}

public sealed class SignUpBodyValidator : AbstractValidator<SignUpBody>
{
    public SignUpBodyValidator()
    {
        RuleFor(r => r.OrganizationName).NotEmpty().WithMessage("Укажите название организации.").MaximumLength(200).WithMessage("Название — не длиннее 200 символов.");
        RuleFor(r => r.DisplayName).NotEmpty().WithMessage("Укажите ваше имя.").MaximumLength(200).WithMessage("Имя — не длиннее 200 символов.");
        RuleFor(r => r.Email).NotEmpty().WithMessage("Укажите e-mail.").MaximumLength(256).WithMessage("E-mail — не длиннее 256 символов.").EmailAddress().WithMessage("E-mail указан неверно.");
        RuleFor(r => r.Password).NotEmpty().WithMessage("Укажите пароль.").MinimumLength(8).WithMessage("Пароль должен быть не короче 8 символов.").MaximumLength(128);
        RuleFor(r => r.Culture).Must(c => c is null or "ru" or "en").WithMessage("Язык: ru или en.");
    }
}
