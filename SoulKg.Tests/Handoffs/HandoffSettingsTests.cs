using System.Net;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Quartz;
using SoulKg.Domain;
using SoulKg.Domain.Handoffs;
using SoulKg.Domain.Partners;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Handoffs;
using SoulKg.Infrastructure.Tenancy;
using SoulKg.Tests.Components;
using SoulKg.Tests.TestInfrastructure;
using SoulKg.Web.Features.Handoffs;

namespace SoulKg.Tests.Handoffs;

/// <summary>The handoff app with its SLA sweep scheduled on Quartz (hourly, so only the start-up run and the test's own trigger fire).</summary>
public sealed class HandoffSweepWebFactory : HandoffWebFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
        base.ExtraSettings.Where(s => s.Key != "Handoffs:Sweep").Append(new("Handoffs:SweepInterval", "01:00:00"));
}

/// <summary>
/// The handoff SLA as an organisation sets it (the settings page, admins only, validated by the service) and the
/// sweep as a job of the clustered Quartz scheduler.
/// </summary>
public sealed class HandoffSettingsTests(HandoffSweepWebFactory app) : MudTestContext, IClassFixture<HandoffSweepWebFactory>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private AsyncServiceScope? _scope;

    [Fact]
    public async Task TheSweepIsAQuartzJobThatExpiresWhatIsDue()
    {
        var (owner, api) = await app.NewOrgAsync();
        await app.SandboxChannelAsync(owner.OrgId);
        using (var put = await api.PutJsonAsync("/api/v1/handoffs/settings", new { slaMinutes = 30, reminderMinutes = 0, escalation = "NotifyManager", revealPhoneOnAccept = true }))
        {
            put.StatusCode.ShouldBe(HttpStatusCode.OK, await put.Content.ReadAsStringAsync(Ct));
        }

        var client = await api.CreateClientAsync("Айгуль Асанова", HandoffWebFactory.RandomPhone());
        var (deal, _) = await api.CreateDealAsync(client.Id, new { title = "Сон-Куль", adults = 2, region = "Сон-Куль" });
        var guide = await app.PartnerAsync(owner, "Гид Азамат " + Guid.NewGuid().ToString("N")[..4], PartnerType.Guide, HandoffWebFactory.RandomPhone());
        using var sent = await api.PostJsonAsync("/api/v1/handoffs", new { dealId = deal.Id, partnerIds = new[] { guide.Id } });
        var handoffId = (await sent.ReadAsync<List<CreatedHandoff>>(HttpStatusCode.Created)).Single().Handoff.Id;
        // Due by the wall clock the job reads: its deadline went by a minute ago.
        await app.InOrgAsync(owner.OrgId, db => db.Handoffs.Where(h => h.Id == handoffId)
            .ExecuteUpdateAsync(u => u.SetProperty(h => h.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)), Ct));

        var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(Ct);
        var trigger = (await scheduler.GetTriggersOfJob(HandoffSweepJob.Key, Ct)).ShouldHaveSingleItem().ShouldBeAssignableTo<ISimpleTrigger>();
        trigger.RepeatInterval.ShouldBe(TimeSpan.FromHours(1));
        await scheduler.TriggerJob(HandoffSweepJob.Key, Ct);

        var status = HandoffStatus.Pending;
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        patience.CancelAfter(Patience);
        while (status == HandoffStatus.Pending && !patience.IsCancellationRequested)
        {
            await Task.Delay(200, Ct);
            status = await app.InOrgAsync(owner.OrgId, db => db.Handoffs.Where(h => h.Id == handoffId).Select(h => h.Status).FirstAsync(Ct));
        }

        status.ShouldBe(HandoffStatus.Expired);
    }

    [Fact]
    public async Task ThePageSavesTheSlaInHoursWithTheReminderAndTheEscalation()
    {
        var owner = await app.CreateOrgAsync();
        var cut = RenderPage(owner);
        cut.WaitForAssertion(() => cut.Find("[data-testid='handoff-settings']"), Patience);
        Field(cut, "sla-hours").Change("1,5");
        Field(cut, "reminder-minutes").Change("45");
        Toggle(Field(cut, "escalation-notify-manager"), true);
        Toggle(Field(cut, "reveal-phone"), false);

        cut.Find("[data-testid='handoff-settings-save']").Click();

        cut.WaitForAssertion(() => cut.Markup.ShouldContain("Сохранено"), Patience);
        var saved = (await Saved(owner)).ShouldNotBeNull();
        saved.SlaMinutes.ShouldBe(90);
        saved.ReminderMinutes.ShouldBe(45);
        saved.Escalation.ShouldBe(HandoffEscalation.NotifyManager);
        saved.RevealPhoneOnAccept.ShouldBeFalse();
    }

    [Fact]
    public async Task AReminderAfterTheDeadlineIsRefusedAtItsFieldAndNothingIsSaved()
    {
        var owner = await app.CreateOrgAsync();
        var cut = RenderPage(owner);
        cut.WaitForAssertion(() => cut.Find("[data-testid='handoff-settings']"), Patience);
        Field(cut, "sla-hours").Change("1");
        Field(cut, "reminder-minutes").Change("90");

        cut.Find("[data-testid='handoff-settings-save']").Click();

        cut.WaitForAssertion(() => cut.Markup.ShouldContain("Напоминание должно прийти раньше, чем истечёт срок ответа."), Patience);
        (await Saved(owner)).ShouldBeNull();

        await using var scope = app.UserScope(owner);
        var refused = await Should.ThrowAsync<DomainException>(() => scope.ServiceProvider.GetRequiredService<HandoffService>()
            .SaveSettingsAsync(new HandoffSettingsInput { SlaMinutes = 2, ReminderMinutes = 0 }, Ct));
        refused.Field.ShouldBe("slaMinutes");
        (await Saved(owner)).ShouldBeNull();
    }

    [Fact]
    public void OnlyThoseWhoManageSettingsMayOpenThePage()
    {
        typeof(HandoffSettingsPage).GetCustomAttributes(typeof(AuthorizeAttribute), true).Cast<AuthorizeAttribute>()
            .ShouldHaveSingleItem().Policy.ShouldBe(Permissions.ManageSettings);
        Permissions.Has(OrgRole.Admin, Permissions.ManageSettings).ShouldBeTrue();
        Permissions.Has(OrgRole.Manager, Permissions.ManageSettings).ShouldBeFalse();
    }

    /// <summary>The input of a Mud field, wherever MudBlazor puts the test id (on the input or on its wrapper).</summary>
    private static AngleSharp.Dom.IElement Field(IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> cut, string id) =>
        cut.Find($"input[data-testid='{id}'], [data-testid='{id}'] input");

    /// <summary>MudBlazor's radios listen to clicks and its switches to changes (or clicks, depending on the version).</summary>
    private static void Toggle(AngleSharp.Dom.IElement input, bool value)
    {
        if (input.HasAttribute("blazor:onchange"))
        {
            input.Change(value);
        }
        else
        {
            input.Click();
        }
    }

    private Task<HandoffSettings?> Saved(TestAccount owner) =>
        app.InOrgAsync(owner.OrgId, db => db.HandoffSettings.AsNoTracking().FirstOrDefaultAsync(Ct));

    private IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> RenderPage(TestAccount account)
    {
        var scope = app.UserScope(account);
        _scope = scope;
        Services.AddSingleton(scope.ServiceProvider.GetRequiredService<OrgContext>());
        Services.AddSingleton(scope.ServiceProvider.GetRequiredService<HandoffService>());
        return Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudSnackbarProvider>(1);
            builder.CloseComponent();
            builder.OpenComponent<HandoffSettingsPage>(2);
            builder.CloseComponent();
        });
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        if (_scope is { } scope)
        {
            await scope.DisposeAsync();
        }
    }
}
