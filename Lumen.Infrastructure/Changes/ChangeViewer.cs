using Lumen.Infrastructure.UseCases;

namespace Lumen.Infrastructure.Changes;

/// <summary>
/// Who a feed subscription is for, which decides the clients it hears about (§6): a person sees the clients they may
/// open; a page with nobody signed in hears only general changes; the portal's own listeners hear everything.
/// </summary>
public sealed record ChangeViewer
{
    private ChangeViewer(Actor? person, bool seesEverything) => (Person, SeesEverything) = (person, seesEverything);

    /// <summary>The portal itself (caches, tests): every change.</summary>
    public static readonly ChangeViewer Portal = new(null, true);

    /// <summary>Nobody signed in: general changes only (a config load), never a client's.</summary>
    public static readonly ChangeViewer Anonymous = new(null, false);

    public static ChangeViewer Of(Actor? person) => person is null ? Anonymous : new(person, false);

    public Actor? Person { get; }
    public bool SeesEverything { get; }
}
