using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Lumen.Tests.Infrastructure.Databases;

/// <summary>Tests that need PostgreSQL join this collection and take <see cref="PostgresServer"/> in their constructor.</summary>
[CollectionDefinition("postgres")]
public sealed class PostgresTestGroup : ICollectionFixture<PostgresServer>;

/// <summary>
/// A real PostgreSQL server for the test run: the one in env <c>LUMEN_TEST_POSTGRES</c> (a connection string to
/// the server), or else a throwaway cluster on a free loopback port, stopped and deleted on dispose.
/// A missing server is a failure, never a skip: the PostgreSQL provider is what deployments run.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string EnvironmentVariable = "LUMEN_TEST_POSTGRES";

    private string? clusterDir;
    private string? pgCtl;
    private string? startCommand;

    /// <summary>Connection string to the server's maintenance database, for CREATE/DROP DATABASE.</summary>
    public string AdminConnectionString { get; private set; } = "";

    /// <summary>A throwaway cluster of its own, whatever <c>LUMEN_TEST_POSTGRES</c> says: for tests that stop and start it.</summary>
    public static async Task<PostgresServer> StartThrowawayAsync()
    {
        var server = new PostgresServer();
        await server.StartClusterAsync();
        return server;
    }

    /// <summary>Stops the throwaway cluster (fast: open sessions are ended), as an outage would.</summary>
    public Task StopAsync() => RunAsync($"{Quote(pgCtl!)} -D {Quote(Path.Combine(clusterDir!, "data"))} -w stop -m fast");

    /// <summary>Starts the stopped throwaway cluster again, on the same port.</summary>
    public Task StartAsync() => RunAsync(startCommand!);

    public async Task InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            var csb = new NpgsqlConnectionStringBuilder(external);
            if (string.IsNullOrEmpty(csb.Database)) csb.Database = "postgres";
            AdminConnectionString = csb.ToString();
            return;
        }
        await StartClusterAsync();
    }

    /// <summary>A new, uniquely named, migrated database; dispose the result to drop it.</summary>
    public async Task<TestDatabase> CreateDatabaseAsync()
    {
        var name = $"lumen_test_{Guid.NewGuid():N}";
        await ExecuteAdminAsync($"CREATE DATABASE \"{name}\"");
        var options = new DatabaseOptions(DatabaseProviderKind.PostgreSQL,
            new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ToString());
        return await TestDatabase.MigrateAsync(options, async () =>
        {
            using (var connection = new NpgsqlConnection(options.ConnectionString)) NpgsqlConnection.ClearPool(connection);
            await ExecuteAdminAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        });
    }

    /// <summary>
    /// As a database restart would: the server closes every connection to <paramref name="database"/>, and the
    /// process's pools forget theirs. Connections a component keeps open find out on their next use.
    /// </summary>
    public static async Task DropConnectionsAsync(TestDatabase database)
    {
        await using (var context = await database.Factory.CreateDbContextAsync())
        {
            await context.Database.ExecuteSqlRawAsync(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
        }
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Whether a database of that name exists (for tests of the harness itself).</summary>
    public async Task<bool> DatabaseExistsAsync(string name)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @name", connection);
        command.Parameters.AddWithValue("name", name);
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (clusterDir is null) return;
        // A test that stopped the cluster and failed before starting it again leaves nothing to stop.
        if (File.Exists(Path.Combine(clusterDir, "data", "postmaster.pid"))) await StopAsync();
        Directory.Delete(clusterDir, recursive: true);
    }

    private async Task ExecuteAdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task StartClusterAsync()
    {
        var binDir = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Where(d => File.Exists(Path.Combine(d, "bin", "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : -1)
                .Select(d => Path.Combine(d, "bin"))
                .FirstOrDefault()
            : null;
        if (binDir is null)
            throw new InvalidOperationException(
                "No PostgreSQL server binaries under /usr/lib/postgresql/*/bin: install postgresql " +
                $"(apt-get install -y postgresql) or set {EnvironmentVariable} to a connection string for a server.");
        pgCtl = Path.Combine(binDir, "pg_ctl");

        // Under /tmp, not $TMPDIR: the postgres user must be able to reach it when we run as root.
        var dir = Path.Combine(IsRoot ? "/tmp" : Path.GetTempPath(), $"lumen-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        if (IsRoot) await ExecAsync("chown", "postgres", dir);
        clusterDir = dir;

        var port = FreeLoopbackPort();
        var data = Quote(Path.Combine(dir, "data"));
        await RunAsync($"{Quote(Path.Combine(binDir, "initdb"))} -D {data} -A trust -U lumen");
        startCommand = $"{Quote(pgCtl)} -D {data} -o '-p {port} -k {dir} -c listen_addresses=127.0.0.1' " +
                       $"-l {Quote(Path.Combine(dir, "log"))} -w start";
        await RunAsync(startCommand);
        AdminConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = port, Username = "lumen", Database = "postgres",
        }.ToString();
    }

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>Runs a shell command line, as the postgres user when we are root (PostgreSQL refuses to run as root).</summary>
    private Task RunAsync(string commandLine) =>
        IsRoot ? ExecAsync("su", "postgres", "-s", "/bin/sh", "-c", commandLine) : ExecAsync("/bin/sh", "-c", commandLine);

    private async Task ExecAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode == 0) return;
        var log = clusterDir is not null && File.Exists(Path.Combine(clusterDir, "log"))
            ? await File.ReadAllTextAsync(Path.Combine(clusterDir, "log"))
            : "";
        throw new InvalidOperationException(
            $"'{file} {string.Join(' ', args)}' exited with {process.ExitCode}:\n{await stdout}\n{await stderr}\n{log}");
    }

    internal static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Quote(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
