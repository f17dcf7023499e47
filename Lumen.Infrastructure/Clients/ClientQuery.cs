using Lumen.Domain.Budget;
using Lumen.Domain.Clients;

namespace Lumen.Infrastructure.Clients;

/// <summary>The columns of the clients table, each sortable (§7).</summary>
public enum ClientSort { Name, Managers, Active, Requests, Tokens, Coins, Created }

/// <summary>What the clients table asks for: a name search, a sort and a page.</summary>
public sealed record ClientQuery(string? Search = null, ClientSort Sort = ClientSort.Name, bool Descending = false,
    int Page = 1, int PageSize = ClientQuery.DefaultPageSize)
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;
    public const int MaxSearchLength = 64;

    public int PageSize { get; } = Math.Clamp(PageSize, 1, MaxPageSize);

    /// <summary>The search as stored names are compared: trimmed, lower-case, at most a name's length; null for none.</summary>
    public string? NormalizedSearch
    {
        get
        {
            if (string.IsNullOrWhiteSpace(Search)) return null;
            var search = ClientName.Normalize(Search);
            return search.Length > MaxSearchLength ? search[..MaxSearchLength] : search;
        }
    }

    /// <summary>A first click sorts names A→Z and everything else largest (or newest, or active) first (§7).</summary>
    public static bool DefaultDescending(ClientSort sort) => sort != ClientSort.Name;
}

public sealed record ClientListRow(string Name, int Managers, bool IsActive, long Requests, long Tokens, Coins Coins, DateTime CreatedAt);

public sealed record ClientTotals(int Clients, long Requests, long Tokens, Coins Coins)
{
    public static readonly ClientTotals None = new(0, 0, 0, Coins.Zero);
}

/// <summary>One page of the table: its rows, how many clients match the search, the page shown, and the totals.</summary>
public sealed record ClientPage(IReadOnlyList<ClientListRow> Rows, int Matching, int Page, ClientTotals Totals);
