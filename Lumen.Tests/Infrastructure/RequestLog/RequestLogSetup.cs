using Lumen.Domain.Calls;
using Lumen.Infrastructure.Ledger;
using Lumen.Infrastructure.UseCases;
using Lumen.Tests.Infrastructure.Databases;

namespace Lumen.Tests.Infrastructure.RequestLog;

/// <summary>
/// alpha (managed by A, two keys) and beta (one key), and calls logged through the real ledger, the clock advanced
/// between them so the rows have known times.
/// </summary>
internal sealed class RequestLogSetup
{
    public static readonly Actor ManagerA = new("manager.a@example.org");
    public static readonly Actor ManagerB = new("manager.b@example.org");

    private RequestLogSetup(TestPortal portal, int alpha, int beta, TestKey first, TestKey second, TestKey betaKey)
    {
        Portal = portal;
        Alpha = alpha;
        Beta = beta;
        First = first;
        Second = second;
        BetaKey = betaKey;
    }

    public TestPortal Portal { get; }
    public int Alpha { get; }
    public int Beta { get; }
    public TestKey First { get; }
    public TestKey Second { get; }
    public TestKey BetaKey { get; }

    public static async Task<RequestLogSetup> CreateAsync(TestDatabase db)
    {
        var portal = new TestPortal(db);
        var alpha = (await portal.CreateClientAsync("alpha")).Id;
        var beta = (await portal.CreateClientAsync("beta")).Id;
        (await portal.Managers.AddAsync(Actor.Cli, "alpha", ManagerA.Email)).Unwrap();
        (await portal.Managers.AddAsync(Actor.Cli, "beta", ManagerB.Email)).Unwrap();
        return new RequestLogSetup(portal, alpha, beta, await portal.CreateKeyAsync("alpha", "first"),
            await portal.CreateKeyAsync("alpha", "second"), await portal.CreateKeyAsync("beta", "only"));
    }

    /// <summary>One call at the clock's time: an answer charged, or a refusal logged.</summary>
    public Task CallAsync(int client, TestKey key, string model, CallOutcome outcome = CallOutcome.Ok, long input = 10,
        long output = 5, string? requestId = null)
    {
        if (outcome == CallOutcome.Ok)
            return Portal.Ledger.ChargeAsync(new CallRecord(client, key.Id, model, 200, null, input, output, 1_500_000, 42,
                outcome, "chat", requestId ?? Guid.NewGuid().ToString("N")));
        return Portal.Ledger.LogRefusalAsync(new CallRecord(client, key.Id, model, 429, "insufficient_quota", 0, 0, 0, 3,
            outcome, "chat", requestId ?? Guid.NewGuid().ToString("N")));
    }
}
