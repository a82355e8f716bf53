using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Analytics;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Realtime;
using SoulKg.Infrastructure.Tenancy;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.Analytics;

/// <summary>No wait between two recomputations, so a test needs no clock games to see the next snapshot.</summary>
public sealed class AnalyticsWebFactory : SoulKgWebFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings => [new("Analytics:MinRefreshInterval", "00:00:00")];
}

/// <summary>
/// The dashboard's snapshots (<see cref="AnalyticsCache"/>): a read after a change gets the previous figures at once,
/// the background recomputation then puts in place exactly what a fresh computation gives, after moves, wins,
/// losses, reopening and chat handoffs made through the CRM's own services.
/// </summary>
public sealed class AnalyticsSnapshotTests(AnalyticsWebFactory app) : IClassFixture<AnalyticsWebFactory>
{
    private static readonly AnalyticsFilter Period = AnalyticsFilter.Default(DateTimeOffset.UtcNow);

    [Fact]
    public async Task SnapshotsServeThePreviousFiguresThenMatchAFreshComputationAfterEachChange()
    {
        var owner = await app.CreateOrgAsync();
        var sales = await app.CreateUserAsync(owner, OrgRole.Sales);
        var now = DateTimeOffset.UtcNow;
        var h = await new AnalyticsHistory(app, owner.OrgId).LoadAsync();
        var client = h.Client("Айгуль", sales.UserId);
        var deals = Enumerable.Range(0, 4)
            .Select(i => h.Deal(client, now.AddHours(-5 + i), responsible: sales.UserId, value: 10_000 * (i + 1), valueCurrency: "KGS").Deal.Id).ToList();
        h.Chat(client, now.AddHours(-2)).Client(now.AddHours(-2)).Agent(now.AddHours(-2).AddSeconds(20));
        await h.SaveAsync();

        var shown = await ReadAllAsync(owner);
        (await FreshAsync(owner)).ShouldBe(shown);

        var steps = new List<Func<Task>>
        {
            () => AsOwner(owner, s => s.GetRequiredService<DealStageService>().MoveAsync(deals[0], new MoveDealInput(h.Stages[2].Id, "Дальше"))),
            () => AsOwner(owner, s => s.GetRequiredService<DealStageService>().MarkWonAsync(deals[1])),
            () => AsOwner(owner, s => s.GetRequiredService<DealStageService>().CloseLostAsync(deals[2], new CloseLostInput(h.Reason("Дорого").Id, null))),
            async () =>
            {
                await AsOwner(owner, s => s.GetRequiredService<DealStageService>().MoveAsync(deals[3], new MoveDealInput(h.Stages[1].Id, null)));
                await AsOwner(owner, s => s.GetRequiredService<DealStageService>().MarkWonAsync(deals[3]));
                await AsOwner(owner, s => s.GetRequiredService<DealStageService>().ReopenAsync(deals[3]));
            },
            async () =>
            {
                var more = await new AnalyticsHistory(app, owner.OrgId).LoadAsync();
                var at = DateTimeOffset.UtcNow.AddMinutes(-30);
                more.Chat(more.Client("Бакыт"), at).Client(at).Hold(Holder.WaitingForHuman, at.AddMinutes(1), "Клиент просит человека")
                    .Hold(Holder.Human, at.AddMinutes(2), "Оператор взял чат", sales.UserId).Person(sales.UserId, at.AddMinutes(3));
                await more.SaveAsync();
            },
        };

        foreach (var step in steps)
        {
            await step();

            // At once: the figures shown before the change, while they are recomputed in the background.
            (await ReadAllAsync(owner)).ShouldBe(shown);
            await app.Services.GetRequiredService<AnalyticsCache>().WhenRefreshedAsync(owner.OrgId);

            var refreshed = await ReadAllAsync(owner);
            var fresh = await FreshAsync(owner);
            refreshed.ShouldBe(fresh);
            refreshed.ShouldNotBe(shown, "every step changes at least one figure");
            shown = refreshed;
        }

        var funnel = JsonSerializer.Deserialize<FunnelMetrics>(shown.Funnel, JsonSerializerOptions.Web)!;
        funnel.Deals.ShouldBe(4);
        funnel.Won.Count.ShouldBe(1);
        funnel.Lost.Count.ShouldBe(1);
        funnel.Stages.Sum(s => s.Open).ShouldBe(2);
    }

    private sealed record Figures(string Funnel, string People, string Agents);

    private Task<Figures> ReadAllAsync(TestAccount account) =>
        WithScopeAsync(account, s => ReadAsync(s.GetRequiredService<AnalyticsService>()));

    /// <summary>The same figures computed now, through a cache of its own that has never seen this organisation.</summary>
    private Task<Figures> FreshAsync(TestAccount account) =>
        WithScopeAsync(account, s => ReadAsync(new AnalyticsService(
            s.GetRequiredService<IServiceScopeFactory>(), s.GetRequiredService<OrgContext>(), s.GetRequiredService<ChangeLogService>(),
            new AnalyticsCache(Options.Create(new AnalyticsOptions()), TimeProvider.System, NullLogger<AnalyticsCache>.Instance))));

    private static async Task<Figures> ReadAsync(AnalyticsService analytics) => new(
        JsonSerializer.Serialize(await analytics.FunnelAsync(Period), JsonSerializerOptions.Web),
        JsonSerializer.Serialize(await analytics.PeopleAsync(Period), JsonSerializerOptions.Web),
        JsonSerializer.Serialize(await analytics.AgentsAsync(Period), JsonSerializerOptions.Web));

    private Task AsOwner(TestAccount account, Func<IServiceProvider, Task> action) => WithScopeAsync(account, async s =>
    {
        await action(s);
        return true;
    });

    private async Task<T> WithScopeAsync<T>(TestAccount account, Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetUser(account.OrgId, account.UserId, account.Role, "Тест");
        return await action(scope.ServiceProvider);
    }
}
