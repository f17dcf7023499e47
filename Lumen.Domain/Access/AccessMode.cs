namespace Lumen.Domain.Access;

/// <summary>What <c>model_access.default</c> does with a model that no list names.</summary>
public enum AccessMode { Whitelist, Blacklist, Graylist }

/// <summary>The outcome of §5 for one client and model.</summary>
public enum AccessStatus { NotFound, Denied, NeedsConsent, Consented, Allowed }

/// <summary>Which step of §5 decided.</summary>
public enum AccessRuleKind { ModelNotDefined, Blacklist, Graylist, Whitelist, DefaultMode }
