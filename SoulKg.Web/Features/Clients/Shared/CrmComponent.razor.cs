using System.Globalization;
using System.Security.Claims;
using FluentValidation;
using Severity = MudBlazor.Severity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Localization;
using MudBlazor;
using SoulKg.Domain;
using SoulKg.Domain.Funnel;
using SoulKg.Infrastructure.Crm;

namespace SoulKg.Web.Features.Clients.Shared;

/// <summary>
/// What every CRM page and dialog needs: the strings, the snackbar, permission checks, and <see cref="RunAsync"/>,
/// which turns the services' <see cref="DomainException"/> and <see cref="StaleVersionException"/> into messages.
/// </summary>
public partial class CrmComponent : ComponentBase
{
    [Inject] protected IStringLocalizer<SharedResource> L { get; set; } = default!;
    [Inject] protected ISnackbar Snackbar { get; set; } = default!;
    [Inject] protected IDialogService Dialogs { get; set; } = default!;
    [Inject] protected NavigationManager Nav { get; set; } = default!;
    [Inject] private IAuthorizationService Authorization { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? AuthState { get; set; }

    protected bool Busy { get; private set; }

    /// <summary>
    /// Runs a service call. A domain refusal goes to <paramref name="onDomainError"/> when given (to show it at the
    /// field), otherwise to the snackbar; a stale version always goes to the snackbar. Returns whether it succeeded.
    /// </summary>
    protected async Task<bool> RunAsync(Func<Task> action, Func<DomainException, bool>? onDomainError = null, string? success = null)
    {
        if (Busy)
        {
            return false;
        }

        Busy = true;
        try
        {
            await action();
            if (success is not null)
            {
                Snackbar.Add(success, Severity.Success);
            }

            return true;
        }
        catch (DomainException e)
        {
            if (onDomainError?.Invoke(e) != true)
            {
                Snackbar.Add(e.Message, e.Kind == DomainErrorKind.NotFound ? Severity.Warning : Severity.Error);
            }

            return false;
        }
        catch (StaleVersionException)
        {
            Snackbar.Add(L["StaleVersion"], Severity.Warning);
            return false;
        }
        finally
        {
            Busy = false;
            StateHasChanged();
        }
    }

    protected async Task<bool> CanAsync(string permission)
    {
        if (AuthState is null)
        {
            return false;
        }

        var user = (await AuthState).User;
        return (await Authorization.AuthorizeAsync(user, permission)).Succeeded;
    }

    protected async Task<string?> UserIdAsync() =>
        AuthState is null ? null : (await AuthState).User.FindFirstValue(ClaimTypes.NameIdentifier);

    /// <summary>Localised name of an enum value: resx key <c>{Prefix}_{Value}</c>.</summary>
    protected string Label<TEnum>(TEnum value) where TEnum : struct, Enum => L[EnumKey(value)];

    protected string LanguageName(string? code) => string.IsNullOrEmpty(code) ? "" : L["Lang_" + code];

    protected static string EnumKey<TEnum>(TEnum value) where TEnum : struct, Enum => typeof(TEnum).Name switch
    {
        "ClientSource" => "Source_",
        "PartnerType" => "Partner_",
        "DealStatus" => "Status_",
        var name => name + "_",
    } + value;

    protected static string Local(DateTimeOffset at) => BishkekTime.ToLocal(at).ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture);

    protected static string Day(DateOnly? date) => date?.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture) ?? "";

    protected static string Money(decimal? amount, string? currency) =>
        amount is { } a && !string.IsNullOrEmpty(currency) ? new Money(a, currency).Format() : "";

    protected string MonthName(int month) =>
        CultureInfo.CurrentUICulture.DateTimeFormat.GetAbbreviatedMonthName(month).TrimEnd('.');

    protected string Months(IReadOnlyList<int> months) =>
        months.Count is 0 or 12 ? L["AllYear"] : string.Join(", ", months.Order().Select(MonthName));

    protected string Travel(TravelDates travel)
    {
        if (travel.From is { } from)
        {
            return travel.To is { } to && to != from ? $"{Day(from)} – {Day(to)}" : Day(from);
        }

        if (travel.Month is { } month)
        {
            var name = CultureInfo.CurrentUICulture.DateTimeFormat.GetMonthName(month);
            return travel.Year is { } year ? $"{name} {year}" : name;
        }

        return travel.Text ?? "";
    }

    /// <summary>
    /// MudForm <c>Validation</c> that runs the domain's FluentValidation validator for one property of the input
    /// built from the form, so the dialog shows the same Russian messages as the API.
    /// </summary>
    protected static Func<object, string, Task<IEnumerable<string>>> Validate<TInput>(IValidator<TInput> validator, Func<TInput> build) =>
        async (_, property) =>
        {
            var result = await validator.ValidateAsync(ValidationContext<TInput>.CreateWithOptions(build(), o => o.IncludeProperties(property)));
            return result.Errors.Select(e => e.ErrorMessage).Distinct().ToList();
        };

    /// <summary>Errors of the input that none of the form's fields shows (rules on the object itself), for a summary line.</summary>
    protected static async Task<IReadOnlyList<string>> UnshownErrorsAsync<TInput>(IValidator<TInput> validator, TInput input, params string[] fields)
    {
        var all = await validator.ValidateAsync(input);
        var shown = new HashSet<string>();
        foreach (var field in fields)
        {
            var one = await validator.ValidateAsync(ValidationContext<TInput>.CreateWithOptions(input, o => o.IncludeProperties(field)));
            shown.UnionWith(one.Errors.Select(e => e.ErrorMessage));
        }

        return all.Errors.Select(e => e.ErrorMessage).Where(m => !shown.Contains(m)).Distinct().ToList();
    }

    /// <summary>
    /// Enter submits a dialog. MudForm renders its own form with a disabled submit button, which blocks the browser's
    /// implicit submission, so the dialog listens for the key itself; fields where Enter means something else
    /// (text areas, selects, pickers) sit in a wrapper that stops the key from reaching this handler.
    /// </summary>
    protected static Func<KeyboardEventArgs, Task> SubmitOnEnter(Func<Task> submit) =>
        e => e is { Key: "Enter", ShiftKey: false, CtrlKey: false, AltKey: false, Repeat: false } ? submit() : Task.CompletedTask;

    protected static readonly DialogOptions DialogOptions = new()
    {
        MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true, CloseButton = true, BackdropClick = false,
    };

    protected static readonly DialogOptions WideDialogOptions = new()
    {
        MaxWidth = MaxWidth.Medium, FullWidth = true, CloseOnEscapeKey = true, CloseButton = true, BackdropClick = false,
    };

    protected static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    protected static IReadOnlyList<string> SplitList(string? text) =>
        (text ?? "").Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
