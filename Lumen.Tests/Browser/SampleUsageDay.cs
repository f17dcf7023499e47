using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.Ledger;
using Lumen.Infrastructure.UseCases;

namespace Lumen.Tests.Browser;

/// <summary>
/// The last 24 hours of clients' charged calls for the pictures, written into the tables the ledger keeps (§16): each
/// client's hours by model and its balance after each hour, then (<see cref="AddTotals"/>) its days and every client's
/// hourly totals, so the clients board, the top clients and the detail charts agree. The counters are left alone: a
/// caller sets them, to these sums or to a lifetime that includes them.
/// </summary>
internal static class SampleUsageDay
{
    /// <summary>What one client's day adds up to.</summary>
    public sealed record Totals(long Requests, long InputTokens, long OutputTokens, long CoinsMicros, long BalanceMicros, DateTime LastHour);

    /// <summary>
    /// A working day's curve of calls (about <paramref name="scale"/> × 6 to 14 an hour and model share), split over
    /// <paramref name="models"/> by their shares, the balance falling from <paramref name="balanceMicros"/>.
    /// </summary>
    public static Totals Add(LumenDbContext db, int clientId, IReadOnlyList<(string Model, int Share)> models, double scale = 1,
        long balanceMicros = 80_000000)
    {
        var now = UsageHours.HourOf(DateTimeOffset.UtcNow);
        long requests = 0, input = 0, output = 0, coins = 0, balance = balanceMicros;
        for (var h = 23; h >= 0; h--)
        {
            var hour = now.AddHours(-h);
            var busy = scale * (6 + (int)(8 * Math.Sin((24 - h) / 24.0 * Math.PI)));
            long spent = 0;
            foreach (var (model, share) in models)
            {
                long calls = (long)Math.Round(busy * share), tokensIn = calls * 420, tokensOut = calls * 180, micros = calls * 60_000;
                if (calls == 0) continue;
                db.UsageHours.Add(new UsageHourRow { ClientId = clientId, Hour = hour, Model = model, Outcome = "ok", Calls = calls,
                    InputTokens = tokensIn, OutputTokens = tokensOut, CoinsMicros = micros });
                (requests, input, output, coins, spent) = (requests + calls, input + tokensIn, output + tokensOut, coins + micros, spent + micros);
            }
            balance = Math.Max(5_000000, balance - spent + 50_000);
            db.BalanceHours.Add(new BalanceHourRow { ClientId = clientId, Hour = hour, BalanceMicros = balance,
                BalanceAsOfMs = new DateTimeOffset(hour.AddMinutes(50)).ToUnixTimeMilliseconds() });
        }
        return new Totals(requests, input, output, coins, balance, now);
    }

    /// <summary>The days of each client and every client's hourly totals, from the hours <see cref="Add"/> wrote.</summary>
    public static void AddTotals(LumenDbContext db)
    {
        var hours = db.ChangeTracker.Entries<UsageHourRow>().Select(e => e.Entity).ToList();
        foreach (var hour in hours.GroupBy(u => u.Hour))
            db.UsageTotalHours.Add(new UsageTotalHourRow { Hour = hour.Key, Outcome = "ok", Shard = 99, Calls = hour.Sum(u => u.Calls),
                InputTokens = hour.Sum(u => u.InputTokens), OutputTokens = hour.Sum(u => u.OutputTokens), CoinsMicros = hour.Sum(u => u.CoinsMicros) });
        foreach (var day in hours.GroupBy(u => (u.ClientId, u.Hour.Date)))
            db.UsageDays.Add(new UsageDayRow { Day = day.Key.Date, ClientId = day.Key.ClientId, Calls = day.Sum(u => u.Calls),
                InputTokens = day.Sum(u => u.InputTokens), OutputTokens = day.Sum(u => u.OutputTokens), CoinsMicros = day.Sum(u => u.CoinsMicros) });
    }
}
