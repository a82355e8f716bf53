using System.Globalization;
using SoulKg.Infrastructure.Analytics;
using SoulKg.Web.Infrastructure;

namespace SoulKg.Web.Features.Analytics;

/// <summary>One figure as a table: what its CSV download holds (headers in Russian, like the other exports).</summary>
public sealed record FigureTable(string[] Headers, IReadOnlyList<string?[]> Rows);

/// <summary>
/// Every exportable figure by group and name (<c>funnel/stages</c>, <c>agents/handoffs</c>…). The API's
/// <c>/metrics/{group}/{figure}.csv</c> and the page's download buttons both read from here, so they always agree.
/// </summary>
public static class AnalyticsTables
{
    public const string Funnel = "funnel";
    public const string People = "people";
    public const string Agents = "agents";

    public static IReadOnlyDictionary<string, string[]> Figures { get; } = new Dictionary<string, string[]>
    {
        [Funnel] = ["stages", "conversions", "cohorts", "stage-times", "lost-reasons", "sources", "won-by-month"],
        [People] = ["users", "workload"],
        [Agents] = ["response-times", "resolution", "handoffs", "agent-runs", "follow-ups"],
    };

    public static bool Exists(string group, string figure) => Figures.TryGetValue(group, out var names) && names.Contains(figure);

    public static async Task<FigureTable> LoadAsync(AnalyticsService analytics, string group, string figure, AnalyticsFilter filter, CancellationToken ct) => group switch
    {
        Funnel => Of(await analytics.FunnelAsync(filter, ct), figure),
        People => Of(await analytics.PeopleAsync(filter, ct), figure),
        _ => Of(await analytics.AgentsAsync(filter, ct), figure),
    };

    public static FigureTable Of(FunnelMetrics m, string figure) => figure switch
    {
        "stages" => new(["Этап", "Открытых сделок", "Сумма, сом", "Сумма, $"],
            [.. m.Stages.Select(s => Row(s.Name, N(s.Open), Money(s.Amount.Kgs), Money(s.Amount.Usd))),
                Row("Выиграно", N(m.Won.Count), Money(m.Won.Amount.Kgs), Money(m.Won.Amount.Usd)),
                Row("Отказ", N(m.Lost.Count), Money(m.Lost.Amount.Kgs), Money(m.Lost.Amount.Usd))]),
        "conversions" => new(["С этапа", "На этап", "Дошли до первого", "Дошли до второго", "Конверсия, %"],
            [.. m.Conversions.Select(c => Row(c.FromName, c.ToName, N(c.FromReached), N(c.ToReached), Percent(c.Rate))),
                Row("Весь путь", "", N(m.Conversions.FirstOrDefault()?.FromReached ?? 0), N(m.Conversions.LastOrDefault()?.ToReached ?? 0), Percent(m.OverallConversion)),
                Row("Выиграно из всех", "", N(m.Deals), N(m.Won.Count), Percent(m.WinRate))]),
        "cohorts" => new(["Месяц лида", "Сделок", .. m.Stages.Where(s => !s.IsArchived).Select(s => s.Name), "Выиграно", "Выиграно, %"],
            [.. m.Cohorts.Select(c => new[] { Month(c.Month), N(c.Deals) }.Concat(c.Reached.Select(N)).Append(N(c.Won)).Append(Percent(c.WinRate)).ToArray())]),
        "stage-times" => new(["Этап", "Завершённых визитов", "Медиана, с", "Среднее, с"],
            [.. m.StageTimes.Select(t => Row(t.Name, N(t.Time.Count), Seconds(t.Time.MedianSeconds), Seconds(t.Time.AverageSeconds)))]),
        "lost-reasons" => new(["Причина", "Сделок", "Сумма, сом", "Сумма, $"],
            [.. m.LostReasons.Select(r => Row(r.Name, N(r.Count), Money(r.Amount.Kgs), Money(r.Amount.Usd)))]),
        "sources" => new(["Источник", "Сделок", "Выиграно", "Отказ", "Выиграно, %", "Выиграно, сом", "Выиграно, $"],
            [.. m.Sources.Select(s => Row(s.Source.ToString(), N(s.Deals), N(s.Won), N(s.Lost), Percent(s.WinRate), Money(s.WonAmount.Kgs), Money(s.WonAmount.Usd)))]),
        _ => new(["Месяц", "Выиграно сделок", "Сумма, сом", "Сумма, $"],
            [.. m.WonByMonth.Select(w => Row(Month(w.Month), N(w.Count), Money(w.Amount.Kgs), Money(w.Amount.Usd)))]),
    };

    public static FigureTable Of(PeopleMetrics m, string figure) => figure switch
    {
        "users" => new(["Сотрудник", "Активен", "Новых сделок", "Выиграно", "Выиграно, сом", "Выиграно, $", "Чатов", "Сообщений",
                "Ответов", "Медиана ответа, с", "Среднее ответа, с", "Открытых сделок сейчас", "Чатов ведёт сейчас"],
            [.. m.Users.Select(u => Row(u.Name, CsvExport.YesNo(u.IsActive), N(u.DealsCreated), N(u.DealsWon), Money(u.WonAmount.Kgs), Money(u.WonAmount.Usd),
                N(u.Chats), N(u.MessagesSent), N(u.Replies.Count), Seconds(u.Replies.MedianSeconds), Seconds(u.Replies.AverageSeconds),
                N(u.OpenDealsNow), N(u.ChatsHeldNow)))]),
        _ => new(["Показатель", "Сейчас"],
            [Row("Чатов у агента", N(m.Now.ChatsWithAgent)), Row("Чатов ждут человека", N(m.Now.ChatsWaitingForPerson)),
                Row("Чатов у сотрудников", N(m.Now.ChatsWithPeople)), Row("Открытых сделок", N(m.Now.OpenDeals)),
                Row("Открытых сделок без ответственного", N(m.Now.OpenDealsUnassigned))]),
    };

    public static FigureTable Of(AgentMetrics m, string figure) => figure switch
    {
        "response-times" => new(["Что", "Кто ответил", "Ответов", "Медиана, с", "Среднее, с"],
            [Row("Первый ответ", "Агент", N(m.FirstResponse.Agent.Count), Seconds(m.FirstResponse.Agent.MedianSeconds), Seconds(m.FirstResponse.Agent.AverageSeconds)),
                Row("Первый ответ", "Сотрудник", N(m.FirstResponse.Human.Count), Seconds(m.FirstResponse.Human.MedianSeconds), Seconds(m.FirstResponse.Human.AverageSeconds)),
                Row("Первый ответ", "Без ответа", N(m.FirstResponse.Unanswered), null, null),
                Row("Все ответы", "Агент", N(m.Replies.Agent.Count), Seconds(m.Replies.Agent.MedianSeconds), Seconds(m.Replies.Agent.AverageSeconds)),
                Row("Все ответы", "Сотрудник", N(m.Replies.Human.Count), Seconds(m.Replies.Human.MedianSeconds), Seconds(m.Replies.Human.AverageSeconds)),
                Row("Все ответы", "Без ответа", N(m.Replies.Unanswered), null, null)]),
        "resolution" => new(["Закрыто чатов", "Без участия человека", "Доля, %"],
            [Row(N(m.Resolution.Closed), N(m.Resolution.WithoutPerson), Percent(m.Resolution.Share))]),
        "agent-runs" => new(["Агент", "Запусков", "Ответил", "Передал человеку", "Перехватил сотрудник", "Сбоев", "Доля сбоев, %", "Медиана, с", "Среднее, с"],
            [.. m.Runs.Append(m.RunsTotal).Select(r => Row(r.Agent?.ToString() ?? "Всего", N(r.Runs), N(r.Replied), N(r.HandedOff), N(r.TakenOver), N(r.Failed),
                Percent(r.FailureRate), Seconds(r.Latency.MedianSeconds), Seconds(r.Latency.AverageSeconds)))]),
        "follow-ups" => new(["Вид", "Отправлено", "Клиент ответил", "Доля ответов, %", "Медиана до ответа, с", "Среднее до ответа, с", "Пропущено", "Сбоев"],
            [.. m.FollowUps.Append(m.FollowUpsTotal).Select(f => Row(f.Kind?.ToString() ?? "Всего", N(f.Sent), N(f.Replied), Percent(f.ReplyRate),
                Seconds(f.TimeToReply.MedianSeconds), Seconds(f.TimeToReply.AverageSeconds), N(f.Skipped), N(f.Failed)))]),
        _ => new(["Кому", "Причина", "Передач", "С ответом сотрудника", "Медиана до ответа, с", "Среднее до ответа, с"],
            [.. m.Handoffs.Select(h => Row(h.To.ToString(), h.Reason, N(h.Count), N(h.Answered), Seconds(h.ToHumanReply.MedianSeconds), Seconds(h.ToHumanReply.AverageSeconds))),
                Row("Всего", "", N(m.Handoffs.Sum(h => h.Count)), N(m.HandoffToHumanReply.Count), Seconds(m.HandoffToHumanReply.MedianSeconds), Seconds(m.HandoffToHumanReply.AverageSeconds))]),
    };

    private static string?[] Row(params string?[] fields) => fields;

    private static string N(int value) => CsvExport.Number(value);

    private static string? Money(decimal value) => CsvExport.Number(value);

    private static string? Percent(double? rate) => rate is { } r ? (r * 100).ToString("0.0", CultureInfo.GetCultureInfo("ru-RU")) : null;

    private static string? Seconds(double? seconds) => seconds?.ToString("0.#", CultureInfo.GetCultureInfo("ru-RU"));

    private static string Month(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
