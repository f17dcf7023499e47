namespace Lumen.Domain.Config;

/// <summary>Which entry of <c>clients</c> a client's settings come from.</summary>
public enum EntrySource
{
    /// <summary>An entry with the client's own name.</summary>
    NamedEntry,
    /// <summary><c>clients.default</c>, for a client without a named entry.</summary>
    DefaultEntry,
    /// <summary>Neither exists: blocked, no model access.</summary>
    NoEntry,
}

/// <summary>Where one effective value came from: the entry itself, or omitted there (and so blocked/denied/0).</summary>
public enum FieldSource { Entry, Omitted }
