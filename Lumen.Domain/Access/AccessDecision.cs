namespace Lumen.Domain.Access;

/// <summary>A client's access to a model and the rule that decided it.</summary>
public sealed record AccessDecision(AccessStatus Status, AccessRuleKind Rule, AccessMode? DefaultMode = null)
{
    /// <summary>May the call go ahead now.</summary>
    public bool IsAllowed => Status is AccessStatus.Allowed or AccessStatus.Consented;

    /// <summary>Is this a graylisted model, where consent can be recorded or withdrawn.</summary>
    public bool IsGraylisted => Status is AccessStatus.NeedsConsent or AccessStatus.Consented;

    /// <summary>The deciding rule in words, for the portal.</summary>
    public string Explain() => Rule switch
    {
        AccessRuleKind.ModelNotDefined => "not defined in models (or inactive)",
        AccessRuleKind.Blacklist => "in blacklist",
        AccessRuleKind.Graylist => "in graylist",
        AccessRuleKind.Whitelist => "in whitelist",
        _ => $"model_access.default: {DefaultMode?.ToString().ToLowerInvariant()}",
    };
}
