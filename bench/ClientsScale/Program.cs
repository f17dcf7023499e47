using System.Globalization;
using Lumen.Bench.ClientsScale;

// bench/clients-scale.sh runs these in turn; each prints markdown.
//   seed  DB N                       a database with N clients
//   query DB [runs] [deep] [filter]  ClientDirectory.QueryAsync timings
//   apply DB [runs]                  ConfigSync.ApplyAsync timings
//   web   PORTAL_DLL DB WORKDIR [renders] [saves]   first render over HTTP and reload latency in Chromium
//   audit-seed DB [entries]          audit entries (and their client links) into a seeded database
//   audit DB [runs]                  AuditService timings: /audit pages and filters, a client's history
//   requestlog-seed PROVIDER CONNECTION [rows]   a fresh database (Sqlite or PostgreSQL) with ten clients and N log rows
//   requestlog PROVIDER CONNECTION [runs]        RequestLogService timings and plans: first, deep, filtered pages
//   usage-seed sqlite|postgresql DB|CONN [clients] [busy]   30 days of hourly usage (PostgreSQL: clients too)
//   usage sqlite|postgresql DB|CONN [runs]                  UsageBoard timings: the /clients board, a detail page's charts
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: seed DB N | query DB [runs] [deep] [filter] | apply DB [runs] | web PORTAL_DLL DB WORKDIR [renders] [saves] | audit-seed DB [entries] | audit DB [runs] | requestlog-seed PROVIDER CONNECTION [rows] | requestlog PROVIDER CONNECTION [runs] | usage-seed sqlite|postgresql DB|CONN [clients] [busy] | usage sqlite|postgresql DB|CONN [runs]");
    return 2;
}

int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

switch (args[0])
{
    case "seed":
        await Seeder.SeedAsync(args[1], Arg(2, 10_000));
        return 0;
    case "query":
        return await QueryBench.RunAsync(args[1], Arg(2, 15), Arg(3, 2000), args.Length > 4 ? args[4] : null);
    case "apply":
        return await ApplyBench.RunAsync(args[1], Arg(2, 3));
    case "audit-seed":
        return await AuditBench.SeedAsync(args[1], Arg(2, 1_000_000));
    case "audit":
        return await AuditBench.RunAsync(args[1], Arg(2, 15));
    case "requestlog-seed":
        return await RequestLogBench.SeedAsync(RequestLogBench.Database(args[1], args[2]), args.Length > 3 ? long.Parse(args[3], CultureInfo.InvariantCulture) : 1_000_000);
    case "requestlog":
        return await RequestLogBench.RunAsync(RequestLogBench.Database(args[1], args[2]), Arg(3, 15));
    case "usage-seed":
        return await UsageBench.SeedAsync(args[1], args[2], Arg(3, 100_000), Arg(4, 1_000));
    case "usage":
        return await UsageBench.RunAsync(args[1], args[2], Arg(3, 15));
    case "web":
        return await WebBench.RunAsync(args[1], args[2], args[3], Arg(4, 20), Arg(5, 20));
    default:
        Console.Error.WriteLine($"unknown verb {args[0]}");
        return 2;
}
