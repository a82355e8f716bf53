using System.Text.Json.Serialization;
using FluentValidation;
using SoulKg.Domain.Tenancy;

namespace SoulKg.Web.Features.Users;

/// <summary>A member of the current organisation: the account plus its membership here.</summary>
public sealed record UserDto(
    Guid Id,
    string Email,
    string DisplayName,
    [property: JsonConverter(typeof(JsonStringEnumConverter<OrgRole>))] OrgRole Role,
    bool IsActive,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeactivatedAt)
{
    [JsonIgnore]
    public MemberState State => new(Id, Role, IsActive);
}

/// <summary>
/// <see cref="TemporaryPassword"/> is set only when the server generated it: it is shown once and never stored in clear.
/// <see cref="AttachedExisting"/> says an account with this e-mail already existed and was added to the organisation as is.
/// </summary>
public sealed record CreatedUser(UserDto User, bool AttachedExisting, string? TemporaryPassword);

/// <summary>Both the API body and the UI form model, so both go through the same validator.</summary>
public sealed class CreateUserRequest
{
    public string Email { get; set; } = "";

    public string DisplayName { get; set; } = "";

    [JsonConverter(typeof(JsonStringEnumConverter<OrgRole>))]
    public OrgRole Role { get; set; } = OrgRole.Sales;

    /// <summary>Optional temporary password for a new account; empty means "generate one". Ignored for existing accounts.</summary>
    public string? Password { get; set; }
}

public sealed class ChangeRoleRequest
{
    [JsonConverter(typeof(JsonStringEnumConverter<OrgRole>))]
    public OrgRole Role { get; set; }
}

public sealed class CreateUserRequestValidator : AbstractValidator<CreateUserRequest>
{
    public CreateUserRequestValidator()
    {
        RuleFor(r => r.Email).NotEmpty().WithMessage("E-mail: укажите адрес.")
            .MaximumLength(256).WithMessage("E-mail: не длиннее 256 символов.")
            .EmailAddress().WithMessage("E-mail: адрес указан неверно.");
        RuleFor(r => r.DisplayName).NotEmpty().WithMessage("Имя: укажите имя пользователя.")
            .MaximumLength(200).WithMessage("Имя: не длиннее 200 символов.");
        RuleFor(r => r.Role).IsInEnum().WithMessage("Роль: Owner, Admin, Manager, Sales или Operator.");
        RuleFor(r => r.Password!).MinimumLength(8).WithMessage("Временный пароль: не короче 8 символов.")
            .MaximumLength(128).WithMessage("Временный пароль: не длиннее 128 символов.")
            .When(r => !string.IsNullOrEmpty(r.Password));
    }
}

public sealed class ChangeRoleRequestValidator : AbstractValidator<ChangeRoleRequest>
{
    public ChangeRoleRequestValidator() =>
        RuleFor(r => r.Role).IsInEnum().WithMessage("Роль: Owner, Admin, Manager, Sales или Operator.");
}
