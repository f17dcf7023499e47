using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Notifications;

/// <summary>
/// One notification e-mail to one person (§23), written in the transaction of the change that caused it (or by the
/// check that noticed it) and sent in the background. (<see cref="EventKey"/>, <see cref="Recipient"/>) is unique, so
/// the same event noticed twice (two instances, two refusals in one day) is one message.
/// </summary>
internal sealed class OutboxRow
{
    public Guid Id { get; set; }
    public string Event { get; set; } = "";
    public string EventKey { get; set; } = "";
    public string Recipient { get; set; } = "";
    public int? ClientId { get; set; }
    public string Subject { get; set; } = "";
    public string Text { get; set; } = "";
    public string Html { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public int Attempts { get; set; }
    public string State { get; set; } = OutboxState.Pending;
    public DateTime? DoneAt { get; set; }
    public string? LastError { get; set; }
}

internal static class OutboxState
{
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Failed = "failed";
}

/// <summary>The one row that says which instance sends, until when (a lease: one sender at a time, §23).</summary>
internal sealed class OutboxSenderRow
{
    public const int TheRow = 1;

    public int Id { get; set; }
    public string Holder { get; set; } = "";
    public DateTime LeaseUntil { get; set; }
}

internal static class OutboxModel
{
    public const int ErrorLength = 500;

    public static void Configure(ModelBuilder b)
    {
        b.Entity<OutboxRow>(e =>
        {
            e.ToTable("notification_outbox");
            e.Property(r => r.Id).ValueGeneratedNever();
            e.Property(r => r.Event).HasMaxLength(32);
            e.Property(r => r.EventKey).HasMaxLength(200);
            e.Property(r => r.Recipient).HasMaxLength(320);
            e.Property(r => r.Subject).HasMaxLength(300);
            e.Property(r => r.State).HasMaxLength(8);
            e.Property(r => r.LastError).HasMaxLength(ErrorLength);
            e.HasIndex(r => new { r.EventKey, r.Recipient }).IsUnique();
            // The sender's question: what is due, oldest first.
            e.HasIndex(r => new { r.State, r.NextAttemptAt });
            e.HasIndex(r => r.DoneAt);
        });
        b.Entity<OutboxSenderRow>(e =>
        {
            e.ToTable("notification_sender");
            e.Property(r => r.Id).ValueGeneratedNever();
            e.Property(r => r.Holder).HasMaxLength(100);
            e.HasData(new OutboxSenderRow { Id = OutboxSenderRow.TheRow, Holder = "", LeaseUntil = DateTime.UnixEpoch });
        });
    }
}
