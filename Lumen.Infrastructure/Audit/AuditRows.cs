using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Audit;

/// <summary>
/// One audited change (§17), written in the transaction of the change itself and never updated. Entries are
/// numbered in the order they are written: newest first is <see cref="Id"/> descending.
/// </summary>
internal sealed class AuditEntryRow
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    /// <summary>A normalised e-mail, <c>cli</c> or <c>config</c>.</summary>
    public string Actor { get; set; } = "";
    /// <summary>One of <see cref="AuditActions"/>.</summary>
    public string Action { get; set; } = "";
    /// <summary>What changed, before → after, in one line.</summary>
    public string Summary { get; set; } = "";
    /// <summary>More lines when one is not enough (a config apply's clients, a rejection's errors).</summary>
    public string? Detail { get; set; }
    /// <summary>The client's name when the entry concerns exactly one (names never change); null for a config entry.</summary>
    public string? Client { get; set; }
    /// <summary>How many clients the entry is linked to.</summary>
    public int ClientCount { get; set; }
    /// <summary>A rejected file's content hash: unique, so a rejection is recorded once however many instances see it.</summary>
    public string? ContentHash { get; set; }

    public List<AuditClientRow> Clients { get; set; } = [];
}

/// <summary>Links an entry to a client it concerns; its key (client, entry) is the client's history, newest last.</summary>
internal sealed class AuditClientRow
{
    public int ClientId { get; set; }
    public long EntryId { get; set; }
    /// <summary>How this client changed, when the entry covers many (a config apply: <c>max 600 → 555</c>).</summary>
    public string? Change { get; set; }

    public AuditEntryRow? Entry { get; set; }
    public ClientRow? ClientRow { get; set; }
}

/// <summary>
/// One row: the admins and models of the config last applied, and a version bumped by every apply. An apply claims
/// the row by compare-and-swap on the version first thing in its transaction, so applies of every instance are
/// serialised on it and only the first to see a difference records it.
/// </summary>
internal sealed class AuditConfigRow
{
    public const int TheRow = 1;

    public int Id { get; set; }
    public long Version { get; set; }
    /// <summary>The admins and models as JSON (<see cref="ConfigFingerprint"/>); empty before the first apply.</summary>
    public string Fingerprint { get; set; } = "";
}

internal static class AuditModel
{
    public const int SummaryLength = 2000;

    public static void Configure(ModelBuilder b)
    {
        b.Entity<AuditEntryRow>(e =>
        {
            e.ToTable("audit_entries");
            e.Property(r => r.Actor).HasMaxLength(320);
            e.Property(r => r.Action).HasMaxLength(32);
            e.Property(r => r.Summary).HasMaxLength(SummaryLength);
            e.Property(r => r.Client).HasMaxLength(64);
            e.Property(r => r.ContentHash).HasMaxLength(64);
            // Newest first is the primary key backwards; these serve the filters, each walked newest first too.
            e.HasIndex(r => new { r.Actor, r.Id });
            e.HasIndex(r => new { r.Action, r.Id });
            e.HasIndex(r => r.At);
            e.HasIndex(r => r.ContentHash).IsUnique();
            e.HasMany(r => r.Clients).WithOne(l => l.Entry).HasForeignKey(l => l.EntryId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<AuditClientRow>(e =>
        {
            e.ToTable("audit_clients");
            e.HasKey(l => new { l.ClientId, l.EntryId });
            e.HasIndex(l => l.EntryId);
            e.Property(l => l.Change).HasMaxLength(SummaryLength);
            e.HasOne(l => l.ClientRow).WithMany().HasForeignKey(l => l.ClientId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<AuditConfigRow>(e =>
        {
            e.ToTable("audit_config");
            e.Property(r => r.Id).ValueGeneratedNever();
            e.HasData(new AuditConfigRow { Id = AuditConfigRow.TheRow, Version = 0, Fingerprint = "" });
        });
    }
}
