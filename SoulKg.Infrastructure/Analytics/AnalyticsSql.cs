using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace SoulKg.Infrastructure.Analytics;

/// <summary>
/// The SQL of one figure and its parameters. Filters are appended only when set, so PostgreSQL plans each query for
/// the filters actually used instead of one generic plan full of "@x IS NULL OR …".
/// </summary>
internal sealed class AnalyticsSql(AnalyticsFilter filter)
{
    private const string Zone = "'Asia/Bishkek'";

    /// <summary>Aggregates over a large organisation may take longer than the 30 s default on a busy server.</summary>
    public const int CommandTimeoutSeconds = 120;

    public AnalyticsFilter Filter { get; } = filter;

    /// <summary>Bucket a timestamp into its Bishkek month (the first day, as a date).</summary>
    public static string Month(string column) => $"date_trunc('month', {column} AT TIME ZONE {Zone})::date";

    /// <summary>The deal's amount: its value, or its budget while no value is set; <paramref name="currency"/> is KGS or USD.</summary>
    public static string Amount(string d, string currency) =>
        $"COALESCE(CASE WHEN {d}.value_amount IS NOT NULL THEN CASE WHEN {d}.value_currency = '{currency}' THEN {d}.value_amount END " +
        $"WHEN {d}.budget_currency = '{currency}' THEN {d}.budget_amount END, 0)";

    /// <summary>Seconds between two timestamps, as double precision (what percentile_cont orders by).</summary>
    public static string Seconds(string from, string to) => $"EXTRACT(EPOCH FROM ({to} - {from}))::float8";

    public static string InPeriod(string column) => $"{column} >= @from AND {column} < @to";

    /// <summary>The responsible/tour/source filters on a deal row aliased <paramref name="d"/>.</summary>
    public string DealFilters(string d)
    {
        var sql = new StringBuilder();
        if (Filter.ResponsibleUserId is not null)
        {
            sql.Append($" AND {d}.responsible_user_id = @responsible");
        }

        if (Filter.TourId is not null)
        {
            sql.Append($" AND {d}.tour_ids @> ARRAY[@tour]::uuid[]");
        }

        if (Filter.Source is not null)
        {
            sql.Append($" AND {d}.source = @source");
        }

        return sql.ToString();
    }

    /// <summary>
    /// The same filters for a conversation (column <paramref name="conversationId"/>), through its client: the client's
    /// responsible and source, and a deal of the client with the tour.
    /// </summary>
    public string ConversationFilters(string conversationId)
    {
        if (!Filter.HasDealFilters)
        {
            return "";
        }

        var sql = new StringBuilder($" AND {conversationId} IN (SELECT cv.id FROM conversations cv JOIN clients cl ON cl.id = cv.client_id WHERE true");
        if (Filter.ResponsibleUserId is not null)
        {
            sql.Append(" AND cl.responsible_user_id = @responsible");
        }

        if (Filter.Source is not null)
        {
            sql.Append(" AND cl.source = @source");
        }

        if (Filter.TourId is not null)
        {
            sql.Append(" AND EXISTS (SELECT 1 FROM deals td WHERE td.client_id = cl.id AND td.tour_ids @> ARRAY[@tour]::uuid[])");
        }

        return sql.Append(')').ToString();
    }

    public NpgsqlCommand Command(NpgsqlConnection connection, string sql)
    {
        // A command made here does not inherit the EF context's timeout: without this it would be Npgsql's 30 s default.
        var command = new NpgsqlCommand(sql, connection) { CommandTimeout = CommandTimeoutSeconds };
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = Filter.FromUtc });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = Filter.ToUtc });
        if (Filter.ResponsibleUserId is { } responsible)
        {
            command.Parameters.Add(new NpgsqlParameter("responsible", NpgsqlDbType.Uuid) { Value = responsible });
        }

        if (Filter.TourId is { } tour)
        {
            command.Parameters.Add(new NpgsqlParameter("tour", NpgsqlDbType.Uuid) { Value = tour });
        }

        if (Filter.Source is { } source)
        {
            command.Parameters.Add(new NpgsqlParameter("source", NpgsqlDbType.Text) { Value = source.ToString() });
        }

        return command;
    }

    public async Task<List<T>> ListAsync<T>(NpgsqlConnection connection, string sql, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        await using var command = Command(connection, sql);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    public static double? Double(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    public static decimal Decimal(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? 0 : reader.GetDecimal(ordinal);

    public static Guid? Guid(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetGuid(ordinal);

    public static string? String(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static TimeStat Time(NpgsqlDataReader reader, int count, int median, int average)
    {
        var n = reader.IsDBNull(count) ? 0 : (int)reader.GetInt64(count);
        return n == 0 ? TimeStat.None : new TimeStat(n, Double(reader, median), Double(reader, average));
    }

    public static double? Rate(int part, int whole) => whole == 0 ? null : (double)part / whole;
}
