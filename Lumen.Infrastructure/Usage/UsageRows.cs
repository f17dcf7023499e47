using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Usage;

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
    }
}
