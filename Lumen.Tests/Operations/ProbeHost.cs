using Lumen.Tests.Hosting;
using static Lumen.Tests.Hosting.TestConfig;

namespace Lumen.Tests.Operations;

/// <summary>The portal in process (a <see cref="TestHost"/>, Development) over a database of the test's choosing, for the probes of §19.</summary>
internal sealed class ProbeHost(IReadOnlyDictionary<string, string> settings) : TestHost(new TestHostOptions
{
    Config = _ => Yaml,
    Settings = [.. settings.Select(s => (s.Key, s.Value))],
})
{
    private static readonly string Yaml = new TestConfig()
        .Admins(Admin)
        .WithModel("dummy", 0.0m, 0.0m)
        .Default(new(Max: 10, Refresh: 1, Starting: 10, Access.AllModels))
        .ToString();
}
