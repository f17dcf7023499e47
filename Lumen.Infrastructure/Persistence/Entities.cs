namespace Lumen.Infrastructure.Persistence;

// Rows, not domain objects: Infrastructure maps them to and from Lumen.Domain types.
// Coins are stored as whole micro-coins (long) so that SQL arithmetic is exact on every provider,
// SQLite included (it has no decimal type). Times that SQL computes with are Unix milliseconds.

/// <summary>A client and the access settings last applied to it from the config.</summary>
internal sealed class ClientRow
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public bool IsActive { get; set; } = true;

    /// <summary>How many managers the client has: kept with every add and remove, so the table sorts by it from an index.</summary>
    public int ManagerCount { get; set; }

    /// <summary>Which entry the applied settings came from (named / default / none).</summary>
    public string SettingsSource { get; set; } = "";
    public string AccessDefault { get; set; } = "";
    public List<string> Blacklist { get; set; } = [];
    public List<string> Whitelist { get; set; } = [];
    public List<string> Graylist { get; set; } = [];

    public CoinPoolRow Pool { get; set; } = null!;
    public List<ManagerRow> Managers { get; set; } = [];
    public List<ApiKeyRow> ApiKeys { get; set; } = [];
    public List<ConsentRow> Consents { get; set; } = [];
}

/// <summary>
/// The client's coin pool and usage counters in one row (§4). A charge updates only the balance columns, which no index
/// covers; the counters, which the usage sorts index, are added once per client per ledger batch.
/// </summary>
internal sealed class CoinPoolRow
{
    public int ClientId { get; set; }

    /// <summary>
    /// The client's name (names never change), so that the usage columns sort with the name breaking ties from one
    /// index on this table, however deep the page.
    /// </summary>
    public string ClientName { get; set; } = "";
    public long MaxMicros { get; set; }
    public long RefreshMicrosPerHour { get; set; }
    public long StartingMicros { get; set; }
    public long BalanceMicros { get; set; }
    /// <summary>Unix milliseconds the balance is as of; refill runs from here.</summary>
    public long BalanceAsOfMs { get; set; }

    public long Requests { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }

    /// <summary>Input + output tokens, computed by the database (so it can be indexed and nobody has to maintain it).</summary>
    public long TotalTokens { get; private set; }

    public long CoinsSpentMicros { get; set; }
}

internal sealed class ManagerRow
{
    public int Id { get; set; }
    public int ClientId { get; set; }
    /// <summary>Lower-cased, trimmed e-mail address.</summary>
    public string Email { get; set; } = "";
    public DateTime AddedAt { get; set; }
    public string AddedBy { get; set; } = "";
}

/// <summary>An API key: its public id and an HMAC of its secret; never the secret itself (§9).</summary>
internal sealed class ApiKeyRow
{
    public int Id { get; set; }
    public int ClientId { get; set; }
    public string PublicId { get; set; } = "";
    public byte[] SecretHash { get; set; } = [];
    public string Name { get; set; } = "";
    public string Hint { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }
    /// <summary>When the key stops working (§22); null for never. A rotation moves it to the end of the grace period.</summary>
    public DateTime? ExpiresAt { get; set; }
    /// <summary>The key that replaced this one at rotation (§22), or null.</summary>
    public int? ReplacedById { get; set; }
}

/// <summary>Consent for a graylisted model; withdrawn consents stay as history.</summary>
internal sealed class ConsentRow
{
    public int Id { get; set; }
    public int ClientId { get; set; }
    public string Model { get; set; } = "";
    public DateTime GrantedAt { get; set; }
    public string GrantedBy { get; set; } = "";
    public DateTime? WithdrawnAt { get; set; }
    public string? WithdrawnBy { get; set; }
}

/// <summary>One model call of an identified client, successful or refused (§10, §15).</summary>
internal sealed class RequestLogRow
{
    public long Id { get; set; }
    public int? ClientId { get; set; }
    public int? ApiKeyId { get; set; }
    public string Model { get; set; } = "";
    public int Status { get; set; }
    public string? ErrorCode { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long CoinsMicros { get; set; }
    public int DurationMs { get; set; }
    public DateTime At { get; set; }

    /// <summary>The endpoint's operation: <c>chat</c>, and later <c>embeddings</c>, <c>completions</c>, <c>responses</c>.</summary>
    public string Operation { get; set; } = "chat";

    /// <summary>The outcome word of §15 (<c>ok</c>, <c>refused_budget</c>, <c>client_closed</c> …).</summary>
    public string Outcome { get; set; } = "";

    /// <summary>The id the caller got as <c>X-Request-Id</c>; null on rows written before ids existed.</summary>
    public string? RequestId { get; set; }
}

/// <summary>One batch of changes a process published, for the other processes' views (§18); kept for minutes.</summary>
internal sealed class ChangeJournalRow
{
    public long Id { get; set; }
    /// <summary>Unix milliseconds, by the writer's clock.</summary>
    public long AtMs { get; set; }
    /// <summary>The <see cref="Changes.ChangeFeed.Instance"/> that wrote it.</summary>
    public string Instance { get; set; } = "";
    /// <summary>The batch as JSON: client, kind and summary of each change.</summary>
    public string Changes { get; set; } = "";
}
