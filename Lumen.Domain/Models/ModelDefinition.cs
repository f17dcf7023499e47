using Lumen.Domain.Budget;

namespace Lumen.Domain.Models;

/// <summary>Coins per 1,000,000 input and output tokens.</summary>
public sealed record ModelPrice(Coins InputPerMillion, Coins OutputPerMillion)
{
    public static readonly ModelPrice Free = new(Coins.Zero, Coins.Zero);
}

/// <summary>
/// An OpenAI-compatible upstream for a model. The key is read from <see cref="ApiKeyEnv"/> or given inline;
/// <see cref="MaxConcurrent"/> is how many calls it serves at once (null: no cap).
/// </summary>
public sealed record ModelEndpoint(string Url, string UpstreamModel, string? ApiKeyEnv, string? ApiKey, int? MaxConcurrent = null)
{
    /// <summary>The URL to show or log: without user, password, query or fragment, where a credential may sit.</summary>
    public string SafeUrl => Uri.TryCreate(Url, UriKind.Absolute, out var uri)
        ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)
        : "(not a valid URL)";
}

/// <summary>A model of the config's <c>models</c> section.</summary>
public sealed record ModelDefinition(string Name, ModelPrice Price, IReadOnlyList<ModelEndpoint> Endpoints, bool Active = true)
{
    /// <summary>The model answered locally, with no upstream.</summary>
    public const string DummyName = "dummy";

    public bool IsBuiltInDummy => Name == DummyName && Endpoints.Count == 0;

    /// <summary>Some endpoint has a <c>max_concurrent</c>: its calls may have to wait for a slot (§20).</summary>
    public bool IsCapped
    {
        get
        {
            // An index loop: this is asked on every proxied call, and a foreach over the interface would allocate.
            for (var i = 0; i < Endpoints.Count; i++)
            {
                if (Endpoints[i].MaxConcurrent is not null) return true;
            }
            return false;
        }
    }
}
