using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lumen.Infrastructure.Persistence;

/// <summary>
/// The schema, shared by all providers. Each provider has a subclass so that its migrations live apart
/// (see <see cref="DatabaseProvider"/>) and it names its <see cref="SqlDialect"/>; use <see cref="IDbContextFactory{LumenDbContext}"/>, one context per operation.
/// </summary>
internal abstract class LumenDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<ClientRow> Clients => Set<ClientRow>();
    public DbSet<CoinPoolRow> CoinPools => Set<CoinPoolRow>();
    public DbSet<ManagerRow> Managers => Set<ManagerRow>();
    public DbSet<ApiKeyRow> ApiKeys => Set<ApiKeyRow>();
    public DbSet<ConsentRow> Consents => Set<ConsentRow>();
    public DbSet<RequestLogRow> RequestLog => Set<RequestLogRow>();
    public DbSet<ChangeJournalRow> ChangeJournal => Set<ChangeJournalRow>();
    public DbSet<Audit.AuditEntryRow> AuditEntries => Set<Audit.AuditEntryRow>();
    public DbSet<Audit.AuditClientRow> AuditClients => Set<Audit.AuditClientRow>();
    public DbSet<Audit.AuditConfigRow> AuditConfig => Set<Audit.AuditConfigRow>();
    public DbSet<UsageHourRow> UsageHours => Set<UsageHourRow>();
    public DbSet<BalanceHourRow> BalanceHours => Set<BalanceHourRow>();
    public DbSet<UsageDayRow> UsageDays => Set<UsageDayRow>();
    public DbSet<UsageTotalHourRow> UsageTotalHours => Set<UsageTotalHourRow>();
    public DbSet<Notifications.OutboxRow> Outbox => Set<Notifications.OutboxRow>();
    public DbSet<Notifications.OutboxSenderRow> OutboxSender => Set<Notifications.OutboxSenderRow>();

    /// <summary>The ASP.NET Data Protection key ring, shared by every instance (§18); see <see cref="KeyRingSetup"/>.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>What this context's database says its own way (one per provider, as the subclass is).</summary>
    public abstract SqlDialect Dialect { get; }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var b = modelBuilder;
        b.Entity<ClientRow>(e =>
        {
            e.ToTable("clients");
            e.Property(c => c.Name).HasMaxLength(64);
            e.HasIndex(c => c.Name).IsUnique();
            // The clients table sorts by every column with the name breaking ties (§7), from an index each way, so
            // that any page of 100,000 clients is an index walk. Clients change rarely; these cost nothing per call.
            SortIndexes(e, nameof(ClientRow.IsActive));
            SortIndexes(e, nameof(ClientRow.ManagerCount));
            SortIndexes(e, nameof(ClientRow.CreatedAt));
            e.Property(c => c.CreatedBy).HasMaxLength(320);
            e.Property(c => c.SettingsSource).HasMaxLength(16);
            e.Property(c => c.AccessDefault).HasMaxLength(16);
            e.HasOne(c => c.Pool).WithOne().HasForeignKey<CoinPoolRow>(p => p.ClientId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(c => c.Managers).WithOne().HasForeignKey(m => m.ClientId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(c => c.ApiKeys).WithOne().HasForeignKey(k => k.ClientId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(c => c.Consents).WithOne().HasForeignKey(k => k.ClientId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<CoinPoolRow>(e =>
        {
            e.ToTable("coin_pools");
            e.HasKey(p => p.ClientId);
            e.Property(p => p.ClientId).ValueGeneratedNever();
            e.Property(p => p.ClientName).HasMaxLength(64);
            // PostgreSQL before 18 has only stored generated columns; SQLite adds only virtual ones to an existing table.
            e.Property(p => p.TotalTokens).HasComputedColumnSql("\"InputTokens\" + \"OutputTokens\"", stored: Dialect.StoresComputedColumns);
            // Usage sorts (§7), both directions with the name A→Z breaking ties, as for the clients table: one index
            // serves only one of them, and the other would sort every row before its offset (36 ms for a deep page
            // of 100,000). Each charge writes six index entries instead of three (see bench/README.md).
            UsageIndexes(e, nameof(CoinPoolRow.Requests));
            UsageIndexes(e, nameof(CoinPoolRow.TotalTokens));
            UsageIndexes(e, nameof(CoinPoolRow.CoinsSpentMicros));
        });
        b.Entity<ManagerRow>(e =>
        {
            e.ToTable("managers");
            e.Property(m => m.Email).HasMaxLength(320);
            e.Property(m => m.AddedBy).HasMaxLength(320);
            e.HasIndex(m => new { m.ClientId, m.Email }).IsUnique();
            e.HasIndex(m => m.Email);
        });
        b.Entity<ApiKeyRow>(e =>
        {
            e.ToTable("api_keys");
            e.Property(k => k.PublicId).HasMaxLength(12);
            e.HasIndex(k => k.PublicId).IsUnique();
            e.Property(k => k.SecretHash).HasMaxLength(32);
            e.Property(k => k.Name).HasMaxLength(100);
            e.Property(k => k.Hint).HasMaxLength(40);
            e.Property(k => k.CreatedBy).HasMaxLength(320);
            e.Property(k => k.RevokedBy).HasMaxLength(320);
        });
        b.Entity<ConsentRow>(e =>
        {
            e.ToTable("consents");
            e.Property(c => c.Model).HasMaxLength(200);
            e.Property(c => c.GrantedBy).HasMaxLength(320);
            e.Property(c => c.WithdrawnBy).HasMaxLength(320);
            e.HasIndex(c => new { c.ClientId, c.Model });
        });
        b.Entity<RequestLogRow>(e =>
        {
            e.ToTable("request_log");
            e.Property(r => r.Model).HasMaxLength(200);
            e.Property(r => r.ErrorCode).HasMaxLength(40);
            e.Property(r => r.Operation).HasMaxLength(16).HasDefaultValue("chat");
            e.Property(r => r.Outcome).HasMaxLength(24).HasDefaultValue("");
            e.Property(r => r.RequestId).HasMaxLength(40);
            // A client's log pages newest first from a (time, id) cursor (§16): one index walk however deep the page.
            e.HasIndex(r => new { r.ClientId, r.At, r.Id });
            // Retention deletes the oldest rows of every client, a batch at a time.
            e.HasIndex(r => r.At);
        });
        b.Entity<ChangeJournalRow>(e =>
        {
            e.ToTable("change_journal");
            e.Property(r => r.Instance).HasMaxLength(32);
        });
        b.Entity<DataProtectionKey>(e => e.ToTable("data_protection_keys"));
        Audit.AuditModel.Configure(b);
        Notifications.OutboxModel.Configure(b);
        UsageModel.Configure(b);
    }

    private static void SortIndexes(EntityTypeBuilder<ClientRow> e, string column)
    {
        e.HasIndex([column, nameof(ClientRow.Name)], $"IX_clients_{column}_Name");
        e.HasIndex([column, nameof(ClientRow.Name)], $"IX_clients_{column}Desc_Name").IsDescending(true, false);
    }

    private static void UsageIndexes(EntityTypeBuilder<CoinPoolRow> e, string column)
    {
        // The descending ones keep the names the first migration gave them.
        e.HasIndex([column, nameof(CoinPoolRow.ClientName)], $"IX_coin_pools_{column}_ClientName").IsDescending(true, false);
        e.HasIndex([column, nameof(CoinPoolRow.ClientName)], $"IX_coin_pools_{column}Asc_ClientName");
    }
}

internal sealed class SqliteLumenDbContext(DbContextOptions<SqliteLumenDbContext> options) : LumenDbContext(options)
{
    public override SqlDialect Dialect => SqlDialect.Sqlite;
}

internal sealed class PostgreSqlLumenDbContext(DbContextOptions<PostgreSqlLumenDbContext> options) : LumenDbContext(options)
{
    public override SqlDialect Dialect => SqlDialect.PostgreSql;
}

internal sealed class SqlServerLumenDbContext(DbContextOptions<SqlServerLumenDbContext> options) : LumenDbContext(options)
{
    public override SqlDialect Dialect => SqlDialect.SqlServer;
}
