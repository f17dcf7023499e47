using Lumen.Domain.Budget;
using Lumen.Domain.Config;
using Lumen.Infrastructure.Managers;

namespace Lumen.Seeding;

/// <summary>
/// One client as <see cref="BulkClientSeeder"/> writes it: the settings it has applied (as the config resolves them,
/// so the portal's first apply changes nothing), its pool's balance and usage counters, and its managers. Times in UTC.
/// </summary>
public sealed record SeedClient(
    string Name,
    DateTime CreatedAt,
    string CreatedBy,
    bool IsActive,
    AppliedSettings Settings,
    PoolBalance Balance,
    long Requests,
    long InputTokens,
    long OutputTokens,
    Coins CoinsSpent,
    IReadOnlyList<ManagerInfo> Managers);
