namespace Lumen.Infrastructure.Audit;

/// <summary>The actions the audit trail records (§17), as stored and as the filters take them.</summary>
public static class AuditActions
{
    public const string ClientCreated = "client.created";
    public const string ClientActivated = "client.activated";
    public const string ClientDeactivated = "client.deactivated";
    public const string ManagerAdded = "manager.added";
    public const string ManagerRemoved = "manager.removed";
    public const string KeyCreated = "key.created";
    public const string KeyRotated = "key.rotated";
    public const string KeyRevoked = "key.revoked";
    public const string ConsentRecorded = "consent.recorded";
    public const string ConsentWithdrawn = "consent.withdrawn";
    public const string ConfigApplied = "config.applied";
    public const string ConfigRejected = "config.rejected";

    /// <summary>The actor of config applies and rejections.</summary>
    public const string ConfigActor = "config";

    public static readonly IReadOnlyList<string> All =
    [
        ClientCreated, ClientActivated, ClientDeactivated, ManagerAdded, ManagerRemoved, KeyCreated, KeyRotated, KeyRevoked,
        ConsentRecorded, ConsentWithdrawn, ConfigApplied, ConfigRejected,
    ];
}
