using Lumen.Infrastructure.UseCases;
using Lumen.Portal.Views;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;

namespace Lumen.Tests.Portal.Views;

/// <summary>
/// busy → the use case → a snackbar or the failure's text → reload, with MudBlazor's real snackbar service: the person
/// always learns how an action went, a throw included, and a second click while one runs does nothing.
/// </summary>
public sealed class ActionRunnerTests : PortalComponentTest
{
    private ISnackbar Snackbar => Services.GetRequiredService<ISnackbar>();
    private ActionRunner NewRunner() => new(Snackbar, NullLogger.Instance);
    private IReadOnlyList<(string, Severity)> Shown => Snackbar.ShownSnackbars.Select(s => (s.Message ?? "", s.Severity)).ToList();

    [Fact]
    public async Task Success_is_said_in_a_snackbar_and_the_panel_reloads()
    {
        var reloads = 0;
        var outcome = await NewRunner().RunAsync(() => Task.FromResult<Outcome<int>>(7), n => $"Done {n}.", () =>
        {
            reloads++;
            return Task.CompletedTask;
        });

        outcome?.Value.Should().Be(7);
        Shown.Should().Equal(("Done 7.", Severity.Success));
        reloads.Should().Be(1);
    }

    [Fact]
    public async Task A_refusal_shows_its_text_as_an_error_and_the_panel_still_reloads()
    {
        var reloads = 0;
        await NewRunner().RunAsync(() => Task.FromResult<Outcome<int>>(new Failure(FailureKind.Forbidden, "Not yours.")),
            n => $"Done {n}.", () =>
            {
                reloads++;
                return Task.CompletedTask;
            });

        Shown.Should().Equal(("Not yours.", Severity.Error));
        reloads.Should().Be(1, "the panel shows what is stored after a refusal too");
    }

    [Fact]
    public async Task A_use_case_that_throws_becomes_a_message_for_the_person_not_a_broken_circuit()
    {
        string? field = null;
        var outcome = await NewRunner().RunAsync<int>(() => throw new InvalidOperationException("database gone"),
            failed: text => field = text);

        outcome?.Succeeded.Should().BeFalse();
        field.Should().Be(ActionRunner.UnavailableMessage, "a form shows the failure beside its field");
        Shown.Should().BeEmpty();
    }

    [Fact]
    public async Task A_second_action_while_one_runs_is_ignored()
    {
        var runner = NewRunner();
        var first = new TaskCompletionSource<Outcome<int>>();
        var running = runner.RunAsync(() => first.Task, _ => "first");
        runner.Busy.Should().BeTrue();

        var second = await runner.RunAsync(() => Task.FromResult<Outcome<int>>(2), _ => "second");
        second.Should().BeNull();
        first.SetResult(1);
        await running;

        runner.Busy.Should().BeFalse();
        Shown.Should().Equal(("first", Severity.Success));
    }
}
