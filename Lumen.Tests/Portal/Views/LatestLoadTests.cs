using Lumen.Portal.Views;

namespace Lumen.Tests.Portal.Views;

/// <summary>A view's overlapping reads: the one started last is shown, whichever finishes last; a throw becomes text.</summary>
public sealed class LatestLoadTests
{
    private const string Failure = "The list could not be loaded.";

    [Fact]
    public async Task When_two_loads_overlap_the_later_one_wins_even_if_the_earlier_finishes_last()
    {
        var load = new LatestLoad();
        var shown = new List<string>();
        var first = new TaskCompletionSource<string>();
        var second = new TaskCompletionSource<string>();

        var a = load.RunAsync(() => first.Task, r => Show(shown, r), Failure);
        var b = load.RunAsync(() => second.Task, r => Show(shown, r), Failure);
        second.SetResult("second");
        await b;
        load.Loading.Should().BeFalse();
        first.SetResult("first");
        await a;

        shown.Should().Equal("second");
        load.Loading.Should().BeFalse();
        load.Error.Should().BeNull();
    }

    [Fact]
    public async Task An_earlier_load_that_fails_late_leaves_the_later_result_standing()
    {
        var load = new LatestLoad();
        var shown = new List<string>();
        var first = new TaskCompletionSource<string>();

        var a = load.RunAsync(() => first.Task, r => Show(shown, r), Failure);
        await load.RunAsync(() => Task.FromResult("second"), r => Show(shown, r), Failure);
        first.SetException(new InvalidOperationException("database gone"));
        await a;

        shown.Should().Equal("second");
        load.Error.Should().BeNull("a stale read's failure is as stale as its result");
    }

    [Fact]
    public async Task A_load_that_throws_becomes_the_error_text_and_a_refusal_shows_its_own()
    {
        var load = new LatestLoad();
        load.Loading.Should().BeTrue("a view that has not read yet is loading");

        await load.RunAsync<string>(() => throw new InvalidOperationException("database gone"), _ => null, Failure);
        load.Error.Should().Be(Failure);
        load.Loading.Should().BeFalse();

        await load.RunAsync(() => Task.FromResult("refused"), _ => "Not yours to see.", Failure);
        load.Error.Should().Be("Not yours to see.");

        await load.RunAsync(() => Task.FromResult("fine"), _ => null, Failure);
        load.Error.Should().BeNull();
    }

    [Fact]
    public async Task A_cancelled_load_is_not_an_error_to_show()
    {
        var load = new LatestLoad();
        var run = () => load.RunAsync<string>(() => throw new OperationCanceledException(), _ => null, Failure);
        await run.Should().ThrowAsync<OperationCanceledException>();
        load.Error.Should().BeNull();
    }

    private static string? Show(List<string> shown, string result)
    {
        shown.Add(result);
        return null;
    }
}
