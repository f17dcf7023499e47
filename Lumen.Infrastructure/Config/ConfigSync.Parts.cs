using System.Linq.Expressions;
using Lumen.Domain.Clients;
using Lumen.Domain.Config;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Persistence;

namespace Lumen.Infrastructure.Config;

// What one apply works with: the targets (what each client gets), what it found to change, and the stored groups.
public sealed partial class ConfigSync
{
    /// <summary>What an apply found to change: the changes to publish and audit, and the pools to create.</summary>
    private sealed class Outcome(DateTimeOffset now)
    {
        public List<Change> Changes { get; } = [];
        public List<CoinPoolRow> NewPools { get; } = [];
        public List<(int ClientId, string Client, string Change)> Audited { get; } = [];

        /// <summary>Decides one client read on its own.</summary>
        public void Consider(ClientRow client, Target target)
        {
            var after = target.After;
            if (client.Pool is null)
            {
                target.AccessChanged.Add(client.Id);
                NewPools.Add(PoolMapping.NewPool(client.Id, client.Name, after.Budget, now));
                Changes.Add(new Change(client.Name, ChangeKind.SettingsApplied, "config applied; pool created", null, after));
                Audited.Add((client.Id, client.Name, "pool created"));
                return;
            }
            if (target.IsAppliedTo(client)) return;
            AppliedSettings before;
            try
            {
                before = PoolMapping.Applied(client, client.Pool);
            }
            catch (InvalidDataException unreadable)
            {
                // Applying writes every access column from the config, so it replaces what cannot be read rather than
                // fail every reload over one row; nothing is decided from the unreadable value, and the change says so.
                target.AccessChanged.Add(client.Id);
                if (PoolMapping.Budget(client.Pool) != after.Budget) target.BudgetChanged.Add(client.Id);
                Changes.Add(new Change(client.Name, ChangeKind.SettingsApplied, $"config applied; {unreadable.Message}", null, after));
                Audited.Add((client.Id, client.Name, $"unreadable settings replaced: {unreadable.Message}"));
                return;
            }
            if (before == after) return;
            Changed(client.Id, client.Name, target, !target.HasAccessOf(client), before.Budget != after.Budget, before, after.DescribeChangeFrom(before));
        }

        /// <summary>A client whose settings change from <paramref name="before"/> to the target's, as <paramref name="described"/>.</summary>
        public void Changed(int id, string name, Target target, bool access, bool budget, AppliedSettings before, string described)
        {
            if (access) target.AccessChanged.Add(id);
            if (budget) target.BudgetChanged.Add(id);
            Changes.Add(new Change(name, ChangeKind.SettingsApplied, described, before, target.After));
            Audited.Add((id, name, described));
        }
    }

    /// <summary>
    /// One kind of stored settings, as <see cref="PoolMapping.SetAccess"/> and the pool columns hold them, shared by
    /// any number of clients without a named entry.
    /// </summary>
    private sealed class StoredGroup(ClientRow key)
    {
        public ClientRow Key { get; } = key;

        /// <summary>The settings these columns mean, or null when they do not read back (then each client is read on its own).</summary>
        public AppliedSettings? Settings { get; } = Readable(key);

        /// <summary>The clients that store exactly these columns, as the database compares them.</summary>
        public Expression<Func<ClientRow, bool>> Members()
        {
            var k = Key;
            return c => c.SettingsSource == k.SettingsSource && c.AccessDefault == k.AccessDefault
                && c.Blacklist == k.Blacklist && c.Whitelist == k.Whitelist && c.Graylist == k.Graylist
                && c.Pool.MaxMicros == k.Pool.MaxMicros && c.Pool.RefreshMicrosPerHour == k.Pool.RefreshMicrosPerHour
                && c.Pool.StartingMicros == k.Pool.StartingMicros;
        }

        private static AppliedSettings? Readable(ClientRow key)
        {
            try
            {
                return PoolMapping.Applied(key, key.Pool);
            }
            catch (InvalidDataException)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// What each client gets from the config (§2.1): its named entry, else the one setting shared by every client
    /// without one; resolved once each, with the clients that must change collected per target.
    /// </summary>
    private sealed class Targets(LumenConfig config)
    {
        private readonly Dictionary<string, Target> _named = new(StringComparer.Ordinal);

        /// <summary>The clients without a named entry.</summary>
        public Target Unnamed { get; } = new(AppliedSettings.From(config.Clients.Unnamed));

        public IEnumerable<Target> All => _named.Values.Append(Unnamed);

        public Target For(string name)
        {
            var clientName = ClientName.Create(name);
            if (!config.Clients.HasNamedEntry(clientName)) return Unnamed;
            if (!_named.TryGetValue(name, out var target))
                _named[name] = target = new Target(AppliedSettings.From(config.Clients.Resolve(clientName)));
            return target;
        }
    }

    private sealed class Target
    {
        public Target(AppliedSettings after)
        {
            After = after;
            PoolMapping.SetAccess(Shape, after);
        }

        public AppliedSettings After { get; }

        /// <summary>The columns as <see cref="PoolMapping.SetAccess"/> writes them for <see cref="After"/>.</summary>
        public ClientRow Shape { get; } = new();

        /// <summary>Clients whose access columns this apply writes.</summary>
        public List<int> AccessChanged { get; } = [];

        /// <summary>Pools this apply gives the target's budget.</summary>
        public List<int> BudgetChanged { get; } = [];

        /// <summary>Whether the client's access columns are exactly what applying this target writes.</summary>
        public bool HasAccessOf(ClientRow client) =>
            client.SettingsSource == Shape.SettingsSource && client.AccessDefault == Shape.AccessDefault
            && client.Blacklist.SequenceEqual(Shape.Blacklist, StringComparer.Ordinal)
            && client.Whitelist.SequenceEqual(Shape.Whitelist, StringComparer.Ordinal)
            && client.Graylist.SequenceEqual(Shape.Graylist, StringComparer.Ordinal);

        /// <summary>
        /// Whether the client's columns are exactly what applying this target writes: the common case, decided
        /// without building its settings. Anything else is compared as settings (equal sets in another order, say).
        /// </summary>
        public bool IsAppliedTo(ClientRow client) =>
            HasAccessOf(client)
            && client.Pool.MaxMicros == After.Budget.Max.Micros
            && client.Pool.RefreshMicrosPerHour == After.Budget.RefreshPerHour.Micros
            && client.Pool.StartingMicros == After.Budget.Starting.Micros;
    }
}
