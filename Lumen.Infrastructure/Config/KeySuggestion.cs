namespace Lumen.Infrastructure.Config;

/// <summary>"Did you mean …?" for a mistyped key, so a typo such as <c>refesh</c> is easy to fix.</summary>
internal static class KeySuggestion
{
    private const int MaxEdits = 2;

    /// <summary>The closest allowed key within two edits (ignoring case), or null when none is close.</summary>
    public static string? Closest(string key, IEnumerable<string> allowed)
    {
        var lower = key.ToLowerInvariant();
        return allowed
            .Select(a => (Key: a, Distance: Distance(lower, a)))
            .Where(c => c.Distance <= MaxEdits && c.Distance < Math.Max(lower.Length, 2))
            .OrderBy(c => c.Distance)
            .Select(c => c.Key)
            .FirstOrDefault();
    }

    /// <summary>Levenshtein distance where swapping two neighbouring letters counts as one edit.</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
