using System.Net;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Board;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Realtime;
using SoulKg.Infrastructure.Tenancy;
using SoulKg.Tests.TestInfrastructure;
using SoulKg.Web.Features.Board;

namespace SoulKg.Tests.Components;

/// <summary>
/// The funnel board component on the real services and database of a running app: the board reads what the API
/// wrote, filters it, moves a dropped card through the stage service, and follows changes that other people make.
/// </summary>
public sealed class BoardPageTests(SoulKgWebFactory app) : MudTestContext, IClassFixture<SoulKgWebFactory>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private AsyncServiceScope? _scope;

    [Fact]
    public async Task ShowsEveryStageWithItsCountAndTheDealsOnIt()
    {
        var (owner, api) = await app.NewOrgAsync();
        var stages = await api.StagesAsync();
        var alina = await api.CreateClientAsync("Алина Исакова", CrmApi.NewPhone());
        var (first, _) = await api.CreateDealAsync(alina.Id, new { budgetAmount = 800, budgetCurrency = "USD" });
        var (second, _) = await api.CreateDealAsync(alina.Id, new { stageId = stages[3].Id });

        var cut = RenderBoard(owner);

        cut.WaitForAssertion(() => cut.FindAll("[data-testid^='card-']").Count.ShouldBe(2), Patience);
        foreach (var stage in stages)
        {
            cut.Find($"[data-testid='column-{stage.Id}']").GetAttribute("data-stage-name").ShouldBe(stage.Name);
        }

        cut.FindAll("[data-testid='column-won'], [data-testid='column-lost']").Count.ShouldBe(2);
        Column(cut, stages[0].Id).QuerySelector($"[data-testid='card-{first.Id}']").ShouldNotBeNull().TextContent.ShouldContain("Алина Исакова");
        Column(cut, stages[3].Id).QuerySelector($"[data-testid='card-{second.Id}']").ShouldNotBeNull();
        Count(cut, stages[0].Id).ShouldBe("1");
        Count(cut, stages[3].Id).ShouldBe("1");
        Count(cut, stages[1].Id).ShouldBe("0");
        cut.Find($"[data-testid='sum-{stages[0].Id}']").TextContent.ShouldContain("800");
    }

    [Fact]
    public async Task SearchShowsOnlyTheMatchingDealsAndTheirCounts()
    {
        var (owner, api) = await app.NewOrgAsync();
        var stages = await api.StagesAsync();
        var alina = await api.CreateClientAsync("Алина Исакова", CrmApi.NewPhone());
        var bekjan = await api.CreateClientAsync("Бекжан Усенов", CrmApi.NewPhone());
        var (hers, _) = await api.CreateDealAsync(alina.Id);
        var (his, _) = await api.CreateDealAsync(bekjan.Id);
        var cut = RenderBoard(owner);
        cut.WaitForAssertion(() => cut.FindAll("[data-testid^='card-']").Count.ShouldBe(2), Patience);

        cut.Find("input[data-testid='filter-search'], [data-testid='filter-search'] input").Input("Усенов");

        cut.WaitForAssertion(() =>
        {
            cut.FindAll($"[data-testid='card-{his.Id}']").ShouldHaveSingleItem();
            cut.FindAll($"[data-testid='card-{hers.Id}']").ShouldBeEmpty();
            Count(cut, stages[0].Id).ShouldBe("1");
        }, Patience);
    }

    [Fact]
    public async Task DroppedCardMovesThroughTheStageServiceAndStaysThere()
    {
        var (owner, api) = await app.NewOrgAsync();
        var stages = await api.StagesAsync();
        var client = await api.CreateClientAsync("Тимур Алиев", CrmApi.NewPhone());
        var (deal, _) = await api.CreateDealAsync(client.Id);
        var cut = RenderBoard(owner);
        cut.WaitForAssertion(() => cut.FindAll($"[data-testid='card-{deal.Id}']").ShouldHaveSingleItem(), Patience);

        await DragAsync(cut, deal.Id, $"zone-{stages[2].Id}");

        cut.WaitForAssertion(() =>
        {
            Column(cut, stages[2].Id).QuerySelector($"[data-testid='card-{deal.Id}']").ShouldNotBeNull();
            Count(cut, stages[2].Id).ShouldBe("1");
            Count(cut, stages[0].Id).ShouldBe("0");
        }, Patience);
        var history = await api.HistoryAsync(deal.Id);
        history[0].ToStageId.ShouldBe(stages[2].Id);
        history[0].ActorType.ShouldBe(ActorType.User);
        (await GetDealAsync(api, deal.Id)).StageId.ShouldBe(stages[2].Id);
    }

    [Fact]
    public async Task DropOnLostAsksForTheReasonAndCancelLeavesTheDealOpen()
    {
        var (owner, api) = await app.NewOrgAsync();
        var stages = await api.StagesAsync();
        var client = await api.CreateClientAsync("Нурлан Касымов", CrmApi.NewPhone());
        var (deal, _) = await api.CreateDealAsync(client.Id);
        var cut = RenderBoard(owner);
        cut.WaitForAssertion(() => cut.FindAll($"[data-testid='card-{deal.Id}']").ShouldHaveSingleItem(), Patience);

        // The drop's handler waits for the dialog's answer: it finishes only after the cancel below.
        var dropped = DragAsync(cut, deal.Id, "zone-lost");

        cut.WaitForAssertion(() => cut.FindAll("[data-testid='lost-dialog']").ShouldHaveSingleItem(), Patience);
        cut.FindAll("[data-testid='lost-reason']").ShouldNotBeEmpty();
        await cut.Find("[data-testid='lost-cancel']").ClickAsync(new MouseEventArgs());
        await dropped.WaitAsync(Patience, Xunit.TestContext.Current.CancellationToken);

        cut.WaitForAssertion(() =>
        {
            cut.FindAll("[data-testid='lost-dialog']").ShouldBeEmpty();
            Column(cut, stages[0].Id).QuerySelector($"[data-testid='card-{deal.Id}']").ShouldNotBeNull();
            Count(cut, "lost").ShouldBe("0");
        }, Patience);
        (await GetDealAsync(api, deal.Id)).Status.ShouldBe(DealStatus.Open);
    }

    [Fact]
    public async Task ChangeMadeElsewhereMovesTheCardWithoutAReload()
    {
        var (owner, api) = await app.NewOrgAsync();
        var stages = await api.StagesAsync();
        var client = await api.CreateClientAsync("Жылдыз Мамбетова", CrmApi.NewPhone());
        var (deal, etag) = await api.CreateDealAsync(client.Id);
        var cut = RenderBoard(owner);
        cut.WaitForAssertion(() => cut.FindAll($"[data-testid='card-{deal.Id}']").ShouldHaveSingleItem(), Patience);
        var other = await api.CreateClientAsync("Новый Клиент", CrmApi.NewPhone());

        using (var move = await api.MoveAsync(deal.Id, stages[4].Id, etag))
        {
            move.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var (created, _) = await api.CreateDealAsync(other.Id, new { stageId = stages[1].Id });

        cut.WaitForAssertion(() =>
        {
            Column(cut, stages[4].Id).QuerySelector($"[data-testid='card-{deal.Id}']").ShouldNotBeNull();
            Column(cut, stages[1].Id).QuerySelector($"[data-testid='card-{created.Id}']").ShouldNotBeNull();
            Count(cut, stages[0].Id).ShouldBe("0");
            Count(cut, stages[4].Id).ShouldBe("1");
        }, Patience);
    }

    [Fact]
    public async Task ChangesOfAnotherOrganisationNeverReachTheBoard()
    {
        var (owner, api) = await app.NewOrgAsync();
        var (_, stranger) = await app.NewOrgAsync();
        var stages = await api.StagesAsync();
        var mine = await api.CreateClientAsync("Свой Клиент", CrmApi.NewPhone());
        var (deal, _) = await api.CreateDealAsync(mine.Id);
        var cut = RenderBoard(owner);
        cut.WaitForAssertion(() => cut.FindAll($"[data-testid='card-{deal.Id}']").ShouldHaveSingleItem(), Patience);

        var theirs = await stranger.CreateClientAsync("Чужой Клиент", CrmApi.NewPhone());
        await stranger.CreateDealAsync(theirs.Id);
        // A change of our own afterwards: once it shows, the stranger's (committed earlier) had every chance to show too.
        using (var move = await api.MoveAsync(deal.Id, stages[1].Id))
        {
            move.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        cut.WaitForAssertion(() => Column(cut, stages[1].Id).QuerySelector($"[data-testid='card-{deal.Id}']").ShouldNotBeNull(), Patience);
        cut.FindAll("[data-testid^='card-']").ShouldHaveSingleItem();
        cut.Markup.ShouldNotContain("Чужой Клиент");
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        if (_scope is { } scope)
        {
            await scope.DisposeAsync();
        }
    }

    /// <summary>
    /// The board inside the Mud providers, with the app's own services from a scope signed in as <paramref name="account"/>
    /// (as a circuit would be) and its singleton change notifier, which the app's listener feeds from PostgreSQL.
    /// </summary>
    private IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> RenderBoard(TestAccount account)
    {
        var scope = app.Services.CreateAsyncScope();
        _scope = scope;
        var services = scope.ServiceProvider;
        var org = services.GetRequiredService<OrgContext>();
        org.SetUser(account.OrgId, account.UserId, account.Role, "Владелец Тестов");
        Services.AddSingleton(org);
        Services.AddSingleton(services.GetRequiredService<BoardService>());
        Services.AddSingleton(services.GetRequiredService<DealStageService>());
        Services.AddSingleton(services.GetRequiredService<ChangeLogService>());
        Services.AddSingleton(services.GetRequiredService<DealService>());
        Services.AddSingleton(services.GetRequiredService<ClientService>());
        Services.AddSingleton(app.Services.GetRequiredService<ChangeNotifier>());
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton(new ProtectedLocalStorage(JSInterop.JSRuntime, app.Services.GetRequiredService<IDataProtectionProvider>()));

        return Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudDialogProvider>(1);
            builder.CloseComponent();
            builder.OpenComponent<MudSnackbarProvider>(2);
            builder.CloseComponent();
            builder.OpenComponent<BoardPage>(3);
            builder.CloseComponent();
        });
    }

    /// <summary>What a drag does in the browser: dragstart on the card's drop item, then drop on the zone.</summary>
    private static async Task DragAsync(IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> cut, Guid dealId, string zoneTestId)
    {
        var item = cut.Find($"[data-testid='card-{dealId}']").Closest("[draggable]").ShouldNotBeNull();
        await item.TriggerEventAsync("ondragstart", new DragEventArgs());
        await cut.Find($"[data-testid='{zoneTestId}']").TriggerEventAsync("ondrop", new DragEventArgs());
    }

    private static IElement Column(IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> cut, object key) => cut.Find($"[data-testid='column-{key}']");

    private static string Count(IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> cut, object key) =>
        cut.Find($"[data-testid='count-{key}']").TextContent.Trim();

    private static async Task<DealDetails> GetDealAsync(HttpClient api, Guid dealId)
    {
        using var response = await api.GetAsync($"/api/v1/deals/{dealId}", Xunit.TestContext.Current.CancellationToken);
        return await response.ReadAsync<DealDetails>();
    }
}
