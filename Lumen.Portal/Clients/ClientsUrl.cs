using Lumen.Infrastructure.Clients;
using Lumen.Portal.Urls;
using Microsoft.AspNetCore.Components;

namespace Lumen.Portal.Clients;

/// <summary>
/// The clients table's state as it lives in the URL (§7: bookmarkable, shareable): <c>?q=…&amp;sort=…&amp;desc=…&amp;page=…&amp;size=…</c>.
/// Defaults are left out, so the plain <c>/clients</c> is the default view.
/// </summary>
public static class ClientsUrl
{
    public static readonly int[] PageSizes = [10, 25, 50, 100];

    /// <summary>The view the URL's values name; each value not understood is its default (<see cref="UrlValue"/>).</summary>
    public static ClientQuery Parse(string? q, string? sort, string? desc, string? page, string? size)
    {
        var column = Enum.TryParse<ClientSort>(sort, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : ClientSort.Name;
        return new ClientQuery(q, column, UrlValue.Bool(desc) ?? ClientQuery.DefaultDescending(column),
            Math.Max(1, UrlValue.Number(page) ?? 1), UrlValue.Number(size) is { } s && PageSizes.Contains(s) ? s : ClientQuery.DefaultPageSize);
    }

    public static string For(NavigationManager navigation, ClientQuery query) =>
        navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["q"] = query.NormalizedSearch,
            ["sort"] = query.Sort == ClientSort.Name ? null : query.Sort.ToString().ToLowerInvariant(),
            ["desc"] = query.Descending == ClientQuery.DefaultDescending(query.Sort) ? null : query.Descending ? "true" : "false",
            ["page"] = query.Page == 1 ? null : query.Page,
            ["size"] = query.PageSize == ClientQuery.DefaultPageSize ? null : query.PageSize,
        });

    /// <summary>Clicking a header: the same column reverses; a new column starts at its natural order (§7).</summary>
    public static ClientQuery SortBy(ClientQuery current, ClientSort column) =>
        current with
        {
            Sort = column,
            Descending = current.Sort == column ? !current.Descending : ClientQuery.DefaultDescending(column),
            Page = 1,
        };
}
