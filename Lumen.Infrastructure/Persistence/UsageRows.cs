using Microsoft.EntityFrameworkCore;
using Lumen.Infrastructure.Ledger;
using Lumen.Infrastructure.UseCases;

namespace Lumen.Infrastructure.Persistence;

/// <summary>
/// A client's calls of one model that ended one way in one UTC hour (§16): written by the ledger in the transaction
/// that charges or logs them, so the hourly rows always add up to the pool's counters.
/// </summary>
internal sealed class UsageHourRow
{
    public int ClientId { get; set; }
    /// <summary>The hour's start, UTC.</summary>
    public DateTime Hour { get; set; }
    /// <summary>A model the config defines, or <see cref="UsageHours.UnknownModel"/>.</summary>
    public string Model { get; set; } = "";
    /// <summary>The outcome word of §15.</summary>
    public string Outcome { get; set; } = "";
    public long Calls { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long CoinsMicros { get; set; }
}

/// <summary>
/// A client's stored balance after its last charge in one UTC hour (§16), with the time it is as of, so the balance
/// between charges can be refilled from it as the pool would be.
/// </summary>
internal sealed class BalanceHourRow
{
    public int ClientId { get; set; }
    public DateTime Hour { get; set; }
    public long BalanceMicros { get; set; }
    public long BalanceAsOfMs { get; set; }
}

/// <summary>
/// A client's charged calls in one UTC day: what the "top clients" of a 7- or 30-day window add up, without reading
/// every hour of every client.
/// </summary>
internal sealed class UsageDayRow
{
    /// <summary>The day's start, UTC.</summary>
    public DateTime Day { get; set; }
    public int ClientId { get; set; }
    public long Calls { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long CoinsMicros { get; set; }
}

/// <summary>
/// Every client's calls in one UTC hour that ended one way, for the board over all clients. Each process writes its
/// own <see cref="Shard"/>, so two instances never wait on each other's row; readers add the shards up.
/// </summary>
internal sealed class UsageTotalHourRow
{
    public DateTime Hour { get; set; }
    public string Outcome { get; set; } = "";
    public int Shard { get; set; }
    public long Calls { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long CoinsMicros { get; set; }
}

internal static class UsageModel
{
    public static void Configure(ModelBuilder b)
    {
        b.Entity<UsageHourRow>(e =>
        {
            e.ToTable("usage_hours");
            // The key is also the charts' index: one client's hours in order, every model and outcome beside each other.
            e.HasKey(u => new { u.ClientId, u.Hour, u.Model, u.Outcome });
            e.Property(u => u.Model).HasMaxLength(200);
            e.Property(u => u.Outcome).HasMaxLength(24);
            // The board over every client reads an hour range first.
            e.HasIndex(u => u.Hour);
            e.HasOne<ClientRow>().WithMany().HasForeignKey(u => u.ClientId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<BalanceHourRow>(e =>
        {
            e.ToTable("balance_hours");
            e.HasKey(u => new { u.ClientId, u.Hour });
            e.HasOne<ClientRow>().WithMany().HasForeignKey(u => u.ClientId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<UsageDayRow>(e =>
        {
            e.ToTable("usage_days");
            // Day first: a window's days of every client are one range; a client's own days come from the second index.
            e.HasKey(u => new { u.Day, u.ClientId });
            e.HasIndex(u => new { u.ClientId, u.Day });
            e.HasOne<ClientRow>().WithMany().HasForeignKey(u => u.ClientId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<UsageTotalHourRow>(e =>
        {
            e.ToTable("usage_total_hours");
            e.HasKey(u => new { u.Hour, u.Outcome, u.Shard });
            e.Property(u => u.Outcome).HasMaxLength(24);
        });
    }
}
