using Microsoft.AspNetCore.Http.HttpResults;
using SoulKg.Domain.Tenancy;

namespace SoulKg.Web.Features.Users;

public static class UsersEndpoints
{
    public static void MapUsersEndpoints(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users")
            .WithTags("Users")
            .RequireAuthorization(Permissions.ManageUsers)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        users.MapGet("/", ListAsync)
            .WithSummary("Members of the current organisation with their role and status");
        users.MapGet("/{id:guid}", GetAsync)
            .WithName("GetUser")
            .WithSummary("One member of the current organisation")
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPost("/", CreateAsync)
            .WithSummary("Create an account with a temporary password, or add an existing account (same e-mail) to this organisation")
            .WithDescription("When password is empty a temporary password is generated and returned once in temporaryPassword. " +
                "For an existing account the password and name are left unchanged. Only roles the caller may assign are accepted.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        users.MapPut("/{id:guid}/role", ChangeRoleAsync)
            .WithSummary("Change a member's role (their sessions and tokens end; they sign in again)")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        users.MapPost("/{id:guid}/deactivate", DeactivateAsync)
            .WithSummary("Deactivate a member: sign-in refused, sessions and tokens revoked")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        users.MapPost("/{id:guid}/reactivate", ReactivateAsync)
            .WithSummary("Reactivate a deactivated member")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Ok<IReadOnlyList<UserDto>>> ListAsync(UsersService users, CancellationToken ct) =>
        TypedResults.Ok(await users.ListAsync(ct));

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> GetAsync(Guid id, UsersService users, CancellationToken ct) =>
        await users.FindAsync(id, ct) is { } user ? TypedResults.Ok(user) : NotFoundProblem();

    private static async Task<Results<CreatedAtRoute<CreatedUser>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateUserRequest request, UsersService users, CancellationToken ct)
    {
        var result = await users.CreateAsync(request, ct);
        if (result.Failure == UsersFailure.Invalid)
        {
            return TypedResults.ValidationProblem(result.Errors ?? new Dictionary<string, string[]>(), title: result.Message);
        }

        return result.Value is { } created
            ? TypedResults.CreatedAtRoute(created, "GetUser", new { id = created.User.Id })
            : Problem(result);
    }

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> ChangeRoleAsync(
        Guid id, ChangeRoleRequest request, UsersService users, CancellationToken ct) =>
        ToHttp(await users.ChangeRoleAsync(id, request.Role, ct));

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> DeactivateAsync(Guid id, UsersService users, CancellationToken ct) =>
        ToHttp(await users.DeactivateAsync(id, ct));

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> ReactivateAsync(Guid id, UsersService users, CancellationToken ct) =>
        ToHttp(await users.ReactivateAsync(id, ct));

    private static Results<Ok<UserDto>, ProblemHttpResult> ToHttp(UsersResult<UserDto> result) =>
        result.Value is { } user ? TypedResults.Ok(user) : Problem(result);

    private static ProblemHttpResult Problem<T>(UsersResult<T> result) => result.Failure switch
    {
        UsersFailure.NotFound => NotFoundProblem(),
        UsersFailure.Forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Доступ запрещён", detail: result.Message),
        _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Действие невозможно", detail: result.Message,
            extensions: new Dictionary<string, object?> { ["code"] = result.Refusal?.ToString() }),
    };

    private static ProblemHttpResult NotFoundProblem() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Пользователь не найден", detail: "В вашей организации нет пользователя с таким id.");
}
