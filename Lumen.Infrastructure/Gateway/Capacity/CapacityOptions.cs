using Microsoft.Extensions.Configuration;

namespace Lumen.Infrastructure.Gateway.Capacity;

/// <summary>
/// The fair queue's bounds (§20): how long a call may wait in all (<c>Gateway:QueueSeconds</c>), how many calls a client
/// may have waiting (<c>Gateway:MaxWaitingPerClient</c>), and how long a slot's lease in Redis lasts unless renewed
/// (<c>Gateway:SlotLeaseSeconds</c>).
/// </summary>
public sealed record CapacityOptions(TimeSpan QueueTime, int MaxWaitingPerClient, TimeSpan SlotLease)
{
    public static readonly CapacityOptions Default = new(TimeSpan.FromSeconds(30), 100, TimeSpan.FromSeconds(30));

    /// <summary>Fractions of a second are allowed for the two times (tests use short ones); zero or less is refused at start.</summary>
    public static CapacityOptions FromConfiguration(IConfiguration configuration) => new(
        TimeSpan.FromSeconds(Positive(configuration, "Gateway:QueueSeconds", Default.QueueTime.TotalSeconds)),
        (int)Positive(configuration, "Gateway:MaxWaitingPerClient", Default.MaxWaitingPerClient),
        TimeSpan.FromSeconds(Positive(configuration, "Gateway:SlotLeaseSeconds", Default.SlotLease.TotalSeconds)));

    /// <summary>
    /// What <c>Retry-After</c> says to a call refused for capacity: a tenth of the queue's bound, at least a second. Slots
    /// free as calls end, so a caller that waits that long has a fair chance, without being told to come back at once.
    /// </summary>
    public TimeSpan RetryAfter => TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(QueueTime.TotalSeconds / 10)));

    private static double Positive(IConfiguration configuration, string key, double fallback)
    {
        var value = configuration.GetValue(key, fallback);
        return value > 0 ? value : throw new InvalidOperationException($"{key} must be a positive number; it is {value}.");
    }
}
