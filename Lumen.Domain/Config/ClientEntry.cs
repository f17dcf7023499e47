using Lumen.Domain.Access;

namespace Lumen.Domain.Config;

/// <summary>
/// One entry under <c>clients</c> as written: a null field was omitted. Omitted never means "inherit" (§2.1).
/// </summary>
public sealed record ClientEntry(decimal? Max = null, decimal? Refresh = null, decimal? Starting = null, ModelAccessEntry? ModelAccess = null)
{
    public static readonly ClientEntry Empty = new();
}

/// <summary><c>model_access</c> as written: an omitted default is blacklist, omitted lists are empty.</summary>
public sealed record ModelAccessEntry(AccessMode? Default = null, IReadOnlyList<string>? Blacklist = null,
    IReadOnlyList<string>? Whitelist = null, IReadOnlyList<string>? Graylist = null)
{
    public ModelAccessRule ToRule() => new(Default ?? AccessMode.Blacklist, Blacklist, Whitelist, Graylist);
}
