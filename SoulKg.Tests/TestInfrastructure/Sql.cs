using Npgsql;
using SoulKg.Infrastructure.Data.Interceptors;

namespace SoulKg.Tests.TestInfrastructure;

/// <summary>Raw SQL for assertions that must not go through the app (as the superuser, or as the app role with a chosen org).</summary>
public static class Sql
{
    /// <summary>Opens a connection; with an org or user it sets <c>app.org_id</c>/<c>app.user_id</c> the way the app does.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(string connectionString, Guid? orgId = null, Guid? userId = null)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        if (orgId is not null || userId is not null)
        {
            await using var set = OrgSession.CreateSetCommand(connection, orgId, userId);
            await set.ExecuteNonQueryAsync();
        }

        return connection;
    }

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync(connectionString);
        return await connection.ScalarAsync<T>(sql, parameters);
    }

    public static async Task<T> ScalarAsync<T>(this NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.Command(sql, parameters);
        var value = await command.ExecuteScalarAsync();
        return (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    public static async Task<int> ExecuteAsync(this NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.Command(sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    public static async Task<List<T>> ListAsync<T>(this NpgsqlConnection connection, string sql, Func<NpgsqlDataReader, T> read,
        params (string Name, object Value)[] parameters)
    {
        await using var command = connection.Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static NpgsqlCommand Command(this NpgsqlConnection connection, string sql, (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
