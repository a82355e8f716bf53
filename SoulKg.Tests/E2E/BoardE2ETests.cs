using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Npgsql;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Crm;
using SoulKg.Tests.TestInfrastructure;
using static Microsoft.Playwright.Assertions;

namespace SoulKg.Tests.E2E;

/// <summary>
/// The live funnel in real browsers: what one person drags, everyone else in the organisation sees move without a
/// reload (also across two app instances on one database, and for changes made through the API), nobody in another
/// organisation sees anything, and moves that cannot be saved snap back with the reason shown.
/// </summary>
public sealed partial class BoardE2ETests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    static BoardE2ETests() => SetDefaultExpectTimeout(20_000); // a live update on this busy 2-core machine can take seconds

    [Fact]
    public async Task DragInOneBrowserMovesTheCardInAnotherAndAnotherOrganisationSeesNothing()
    {
        var app = browser.App;
        var (owner, api) = await app.NewOrgAsync();
        var colleague = await app.CreateUserAsync(owner, OrgRole.Sales);
        var stranger = await app.CreateOrgAsync();
        var stages = await api.StagesAsync();
        var client = await api.CreateClientAsync("Айгуль Токтогулова", CrmApi.NewPhone());
        var (deal, _) = await api.CreateDealAsync(client.Id);

        var mine = await OpenBoardAsync(owner, deal.Id);
        var theirs = await OpenBoardAsync(colleague, deal.Id);
        var outsider = await OpenBoardAsync(stranger, null);
        var reloads = await CountNavigationsAsync(theirs);

        await DragAsync(mine, deal.Id, $"zone-{stages[3].Id}");

        await Expect(theirs.GetByTestId($"column-{stages[3].Id}").GetByTestId($"card-{deal.Id}")).ToBeVisibleAsync();
        await Expect(theirs.GetByTestId($"count-{stages[3].Id}")).ToHaveTextAsync("1");
        await Expect(theirs.GetByTestId($"count-{stages[0].Id}")).ToHaveTextAsync("0");
        (await reloads()).ShouldBe(0);
        (await api.HistoryAsync(deal.Id))[0].ToStageId.ShouldBe(stages[3].Id);
        await Expect(outsider.Locator("[data-testid^='card-']")).ToHaveCountAsync(0);
        (await outsider.ContentAsync()).ShouldNotContain("Айгуль");
    }

    [Fact]
    public async Task ChangeMadeThroughTheApiAppearsOnAnOpenBoard()
    {
        var app = browser.App;
        var (owner, api) = await app.NewOrgAsync();
        var stages = await api.StagesAsync();
        var client = await api.CreateClientAsync("Эрлан Осмонов", CrmApi.NewPhone());
        var (deal, etag) = await api.CreateDealAsync(client.Id);
        var page = await OpenBoardAsync(owner, deal.Id);

        using (var move = await api.MoveAsync(deal.Id, stages[5].Id, etag))
        {
            move.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var other = await api.CreateClientAsync("Камила Бекова", CrmApi.NewPhone());
        var (created, _) = await api.CreateDealAsync(other.Id, new { stageId = stages[2].Id });

        await Expect(page.GetByTestId($"column-{stages[5].Id}").GetByTestId($"card-{deal.Id}")).ToBeVisibleAsync();
        await Expect(page.GetByTestId($"column-{stages[2].Id}").GetByTestId($"card-{created.Id}")).ToContainTextAsync("Камила Бекова");
    }

    [Fact]
    public async Task TwoAppInstancesOnOneDatabaseShowEachOthersMoves()
    {
        var app = browser.App;
        await using var second = new SecondInstance(app);
        await second.InitializeAsync();
        var (owner, api) = await app.NewOrgAsync();
        var colleague = await app.CreateUserAsync(owner, OrgRole.Sales);
        var stages = await api.StagesAsync();
        var client = await api.CreateClientAsync("Динара Ахметова", CrmApi.NewPhone());
        var (deal, _) = await api.CreateDealAsync(client.Id);

        var first = await OpenBoardAsync(owner, deal.Id);
        var onSecond = await OpenBoardAsync(colleague, deal.Id, second.ServerAddress);

        await DragAsync(first, deal.Id, $"zone-{stages[2].Id}");
        await Expect(onSecond.GetByTestId($"column-{stages[2].Id}").GetByTestId($"card-{deal.Id}")).ToBeVisibleAsync();

        await DragAsync(onSecond, deal.Id, $"zone-{stages[4].Id}");
        await Expect(first.GetByTestId($"column-{stages[4].Id}").GetByTestId($"card-{deal.Id}")).ToBeVisibleAsync();
        (await api.HistoryAsync(deal.Id)).Select(h => h.ToStageId).Take(2).ShouldBe([stages[4].Id, stages[2].Id]);
    }

    [Fact]
    public async Task MovingToLostAsksForTheReasonAndClosesTheDealWithIt()
    {
        var app = browser.App;
        var (owner, api) = await app.NewOrgAsync();
        var client = await api.CreateClientAsync("Андрей Козлов", CrmApi.NewPhone());
        var (deal, _) = await api.CreateDealAsync(client.Id);
        var page = await OpenBoardAsync(owner, deal.Id);

        await DragAsync(page, deal.Id, "zone-lost");

        await Expect(page.GetByTestId("lost-dialog")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("lost-confirm")).ToBeDisabledAsync();
        await page.GetByTestId("lost-reason").ClickAsync();
        var reason = page.GetByRole(AriaRole.Option).First;
        var reasonName = (await reason.InnerTextAsync()).Trim();
        await reason.ClickAsync();
        await page.GetByTestId("lost-confirm").ClickAsync();

        await Expect(page.GetByTestId("column-lost").GetByTestId($"card-{deal.Id}")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("count-lost")).ToHaveTextAsync("1");
        // The board moves the card at once and the server confirms after: wait for the write, not the picture.
        DealStatus? status = null;
        await Eventually.TrueAsync(async () =>
        {
            using var get = await api.GetAsync($"/api/v1/deals/{deal.Id}", Ct);
            return (status = (await get.ReadAsync<DealDetails>()).Status) == DealStatus.Lost;
        }, 30, () => $"the deal stayed {status}");
        (await api.HistoryAsync(deal.Id))[0].Reason.ShouldNotBeNull().ShouldStartWith(reasonName);
    }

    [Fact]
    public async Task RefusedMoveSnapsBackWithTheReasonShown()
    {
        var app = browser.App;
        var (owner, api) = await app.NewOrgAsync();
        var stages = await api.StagesAsync();
        var client = await api.CreateClientAsync("Мария Иванова", CrmApi.NewPhone());
        var (deal, _) = await api.CreateDealAsync(client.Id);
        var page = await OpenBoardAsync(owner, deal.Id);
        // Archived behind the board's back (no change is published): the board still offers the column, the server refuses.
        await AdminSqlAsync($"SELECT set_config('app.bulk', 'on', true); UPDATE funnel_stages SET is_archived = true WHERE id = '{stages[6].Id}'");

        await DragAsync(page, deal.Id, $"zone-{stages[6].Id}");

        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("в архиве");
        await Expect(page.GetByTestId($"column-{stages[0].Id}").GetByTestId($"card-{deal.Id}")).ToBeVisibleAsync();
        await Expect(page.GetByTestId($"count-{stages[0].Id}")).ToHaveTextAsync("1");
        (await api.HistoryAsync(deal.Id)).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task ConcurrentMovesOfOneCardEndTheSameEverywhereAndTheLoserIsTold()
    {
        var app = browser.App;
        var (owner, api) = await app.NewOrgAsync();
        var colleague = await app.CreateUserAsync(owner, OrgRole.Sales);
        var stages = await api.StagesAsync();
        var client = await api.CreateClientAsync("Бакыт Жумабеков", CrmApi.NewPhone());
        var (deal, _) = await api.CreateDealAsync(client.Id);
        var first = await OpenBoardAsync(owner, deal.Id);
        var second = await OpenBoardAsync(colleague, deal.Id);

        // The row is held while both people drop the card, so both saves really overlap: each read the same version.
        await using (var hold = await HoldDealAsync(deal.Id))
        {
            await DragAsync(first, deal.Id, $"zone-{stages[2].Id}");
            await DragAsync(second, deal.Id, $"zone-{stages[4].Id}");
            await Task.Delay(1_000, Ct);
        }

        var toldFirst = first.Locator(".mud-snackbar").Filter(new() { HasText = "изменил кто-то другой" });
        var toldSecond = second.Locator(".mud-snackbar").Filter(new() { HasText = "изменил кто-то другой" });
        for (var wait = 0; wait < 60 && await toldFirst.CountAsync() + await toldSecond.CountAsync() == 0; wait++)
        {
            await Task.Delay(500, Ct); // the two pages are two frames: one locator cannot watch both
        }

        using var get = await api.GetAsync($"/api/v1/deals/{deal.Id}", Ct);
        var saved = await get.ReadAsync<DealDetails>();
        saved.StageId.ShouldBeOneOf(stages[2].Id, stages[4].Id);
        foreach (var page in new[] { first, second })
        {
            await Expect(page.GetByTestId($"column-{saved.StageId}").GetByTestId($"card-{deal.Id}")).ToBeVisibleAsync();
            await Expect(page.Locator($"[data-testid='card-{deal.Id}']")).ToHaveCountAsync(1);
        }

        (await toldFirst.CountAsync() + await toldSecond.CountAsync()).ShouldBe(1);
        (await api.HistoryAsync(deal.Id)).Count.ShouldBe(2);
    }

    /// <summary>Signs in on a fresh browser profile and waits for the board's circuit to show it (with the deal, when given).</summary>
    private async Task<IPage> OpenBoardAsync(TestAccount account, Guid? dealId, Uri? server = null)
    {
        var page = await browser.NewPageAsync();
        // Wide enough for every column, so a drag to the won/lost columns needs no scrolling mid-drag.
        await page.SetViewportSizeAsync(3400, 1000);
        var baseUrl = server?.ToString().TrimEnd('/') ?? "";
        // A second app instance may still be warming up: its first page gets longer than the default.
        await page.GotoAsync(baseUrl + "/Account/Login", new() { Timeout = 90_000 });
        await page.GetByLabel("E-mail").FillAsync(account.Email);
        await page.GetByLabel("Пароль", new() { Exact = true }).FillAsync(account.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Войти" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(FunnelUrl());
        await Expect(page.GetByTestId("board")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        if (dealId is { } id)
        {
            await Expect(page.GetByTestId($"card-{id}")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        }

        return page;
    }

    private static async Task DragAsync(IPage page, Guid dealId, string zoneTestId)
    {
        await page.GetByTestId($"card-{dealId}").DragToAsync(page.GetByTestId(zoneTestId), new() { TargetPosition = new() { X = 20, Y = 20 } });
    }

    /// <summary>How many times the page navigates from now on (a live update must not reload it).</summary>
    private static async Task<Func<Task<int>>> CountNavigationsAsync(IPage page)
    {
        await page.EvaluateAsync("() => { window.__kept = true; }");
        return async () => await page.EvaluateAsync<bool>("() => window.__kept === true") ? 0 : 1;
    }

    private async Task AdminSqlAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(browser.App.Database.AdminConnectionString);
        await connection.OpenAsync(Ct);
        await using var tx = await connection.BeginTransactionAsync(Ct);
        await using (var command = new NpgsqlCommand(sql, connection, tx))
        {
            await command.ExecuteNonQueryAsync(Ct);
        }

        await tx.CommitAsync(Ct);
    }

    /// <summary>Locks the deal's row until disposed: updates of it wait, reads do not.</summary>
    private async Task<IAsyncDisposable> HoldDealAsync(Guid dealId)
    {
        var connection = new NpgsqlConnection(browser.App.Database.AdminConnectionString);
        await connection.OpenAsync(Ct);
        var tx = await connection.BeginTransactionAsync(Ct);
        await using (var command = new NpgsqlCommand($"SELECT 1 FROM deals WHERE id = '{dealId}' FOR UPDATE", connection, tx))
        {
            await command.ExecuteNonQueryAsync(Ct);
        }

        return new Hold(connection, tx);
    }

    private sealed class Hold(NpgsqlConnection connection, NpgsqlTransaction tx) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await tx.CommitAsync();
            await tx.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    /// <summary>A second instance of the app on the first one's database, on a Kestrel port of its own.</summary>
    private sealed class SecondInstance(SoulKgWebFactory first) : SoulKgWebFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
        [
            new("ConnectionStrings:Default", first.Database.AppConnectionString),
            new("ConnectionStrings:Owner", first.Database.OwnerConnectionString),
        ];

        public override async ValueTask InitializeAsync()
        {
            UseKestrel(0);
            await base.InitializeAsync();
            StartServer();
        }
    }

    [GeneratedRegex("/funnel$")]
    private static partial Regex FunnelUrl();
}
