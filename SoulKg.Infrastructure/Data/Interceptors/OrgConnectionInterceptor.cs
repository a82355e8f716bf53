using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Data.Interceptors;

/// <summary>
/// Sets <c>app.org_id</c> and <c>app.user_id</c> on every connection EF opens, so the RLS policies see the
/// organisation of this unit of work. An empty value means "none": the policies then match no row.
/// </summary>
public sealed class OrgConnectionInterceptor(OrgContext org) : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = CreateCommand(connection);
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = CreateCommand(connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private DbCommand CreateCommand(DbConnection connection) => OrgSession.CreateSetCommand((NpgsqlConnection)connection, org.OrgId, org.UserId);
}

public static class OrgSession
{
    public static NpgsqlCommand CreateSetCommand(NpgsqlConnection connection, Guid? orgId, Guid? userId)
    {
        var command = connection.CreateCommand();
        command.CommandText = "SELECT set_config('app.org_id', @org, false), set_config('app.user_id', @user, false)";
        command.Parameters.AddWithValue("org", orgId?.ToString() ?? "");
        command.Parameters.AddWithValue("user", userId?.ToString() ?? "");
        return command;
    }
}
