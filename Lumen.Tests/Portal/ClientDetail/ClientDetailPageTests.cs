using Bunit;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Changes;
using Lumen.Portal.Clients.Detail;

namespace Lumen.Tests.Portal.ClientDetail;

/// <summary>The page as a whole: who sees what (§6), the header and usage, and live refresh.</summary>
public sealed class ClientDetailPageTests : DetailPageTest
{
    [Fact]
    public void Admin_sees_the_name_state_creator_and_every_panel_with_admin_controls()
    {
        var cut = RenderPage(Admin);

        cut.WaitForAssertion(() => cut.Find("h1").TextContent.Should().Be(Alpha));
        TextOf(cut.Find(".active-state")).Should().Be("Active");
        TextOf(cut.Find(".created")).Should().Be("Created 2026-03-01 09:00 UTC by cli");
        cut.FindAll(".active-toggle").Should().ContainSingle();
        var headings = new List<string>();
        foreach (var tab in DetailTab.All)
        {
            ShowTab(cut, tab);
            headings.AddRange(cut.FindAll("h2").Select(h => h.TextContent.Trim()));
            if (tab == DetailTab.Managers)
            {
                cut.FindAll(".add-manager-button").Should().ContainSingle();
                cut.FindAll(".remove-manager").Should().ContainSingle();
            }
            if (tab == DetailTab.Keys) cut.FindAll(".new-api-key").Should().ContainSingle();
        }
        headings.Distinct().Should().Equal("Budget", "Usage", "Usage over time", "Model access", "API keys", "Managers", "Request log", "History");
    }

    [Fact]
    public void Manager_sees_the_client_and_the_managers_but_no_admin_controls()
    {
        var cut = RenderPage(ManagerOfAlpha, tab: DetailTab.Managers);

        cut.WaitForAssertion(() => cut.Find("h1").TextContent.Should().Be(Alpha));
        cut.FindAll(".manager-email").Select(e => e.TextContent).Should().Equal(ManagerOfAlpha);
        cut.FindAll(".active-toggle").Should().BeEmpty();
        cut.FindAll(".add-manager-button").Should().BeEmpty();
        cut.FindAll(".new-manager-email").Should().BeEmpty();
        cut.FindAll(".remove-manager").Should().BeEmpty();
        ShowTab(cut, DetailTab.Keys);
        cut.FindAll(".new-api-key").Should().ContainSingle("managers create keys");
        ShowTab(cut, DetailTab.Access);
        cut.FindAll(".record-consent").Should().ContainSingle("managers record consent");
    }

    [Theory]
    [InlineData(ManagerOfBeta)]
    [InlineData(Stranger)]
    public void Anyone_else_sees_exactly_what_an_unknown_name_shows(string email)
    {
        var hidden = RenderPage(email, Alpha);
        hidden.WaitForAssertion(() => hidden.Find("h1").TextContent.Should().Be("Access denied"));
        var unknown = Render<ClientDetailPage>(p => p.Add(x => x.Name, "ghost"));
        unknown.WaitForAssertion(() => unknown.Find("h1").TextContent.Should().Be("Access denied"));

        WithoutHandlerIds(hidden.Markup).Should().Be(WithoutHandlerIds(unknown.Markup));
        hidden.Markup.Should().NotContain(Alpha).And.NotContain(ManagerOfAlpha);
    }

    [Fact]
    public async Task Usage_shows_the_counters_and_follows_changes_live()
    {
        var cut = RenderPage(ManagerOfAlpha);
        cut.WaitForAssertion(() => TextOf(cut.Find(".usage-panel .requests dd")).Should().Be("0"));

        await Portal.SetUsageAsync(IdOf(Alpha), 1234, 56789, 4321, 2_500_000);
        await Portal.Feed.PublishAsync(new Change(Alpha, ChangeKind.UsageChanged, "usage"));

        cut.WaitForAssertion(() =>
        {
            TextOf(cut.Find(".usage-panel .requests dd")).Should().Be("1,234");
            TextOf(cut.Find(".usage-panel .input-tokens dd")).Should().Be("56,789");
            TextOf(cut.Find(".usage-panel .output-tokens dd")).Should().Be("4,321");
            TextOf(cut.Find(".usage-panel .coins-spent dd")).Should().Be("2.50");
        });
        cut.Find(".live-notice").TextContent.Should().Contain("new usage for alpha");
    }

    [Fact]
    public async Task A_database_failure_keeps_what_was_shown_says_so_and_the_next_change_recovers()
    {
        var cut = RenderPage(ManagerOfAlpha);
        cut.WaitForAssertion(() => TextOf(cut.Find(".usage-panel .requests dd")).Should().Be("0"));
        await SqlAsync("ALTER TABLE coin_pools RENAME TO coin_pools_away");

        await Portal.Feed.PublishAsync(new Change(Alpha, ChangeKind.UsageChanged, "usage"));

        cut.WaitForAssertion(() => cut.Find(".load-error[role=alert]").TextContent.Should().Contain("The client could not be loaded"));
        TextOf(cut.Find(".usage-panel .requests dd")).Should().Be("0", "the last figures stay on screen");

        await SqlAsync("ALTER TABLE coin_pools_away RENAME TO coin_pools");
        await Portal.SetUsageAsync(IdOf(Alpha), 7, 70, 7, 700);
        await Portal.Feed.PublishAsync(new Change(Alpha, ChangeKind.UsageChanged, "usage"));
        Portal.Clock.Advance(TimeSpan.FromSeconds(1)); // the page refreshes at most once a second

        cut.WaitForAssertion(() => TextOf(cut.Find(".usage-panel .requests dd")).Should().Be("7"));
        cut.FindAll(".load-error").Should().BeEmpty();
    }

    [Fact]
    public async Task Changes_to_other_clients_are_neither_shown_nor_announced()
    {
        var cut = RenderPage(Admin);
        cut.WaitForAssertion(() => cut.Find("h1").TextContent.Should().Be(Alpha));

        await Portal.Feed.PublishAsync(new Change(Beta, ChangeKind.KeysChanged, "cli created key for beta"));
        await Portal.Feed.PublishAsync(new Change(Alpha, ChangeKind.KeysChanged, "cli created key for alpha"));

        cut.WaitForAssertion(() => cut.Find(".live-notice").TextContent.Should().Contain("cli created key for alpha"));
        cut.Find(".live-notice").TextContent.Should().NotContain("beta");
    }

    [Fact]
    public async Task Losing_the_manager_role_hides_the_client_on_the_next_refresh()
    {
        var cut = RenderPage(ManagerOfAlpha);
        cut.WaitForAssertion(() => cut.Find("h1").TextContent.Should().Be(Alpha));

        (await Portal.Managers.RemoveAsync(Actor.Cli, Alpha, ManagerOfAlpha)).Unwrap();

        cut.WaitForAssertion(() => cut.Find("h1").TextContent.Should().Be("Access denied"));
        cut.Markup.Should().NotContain("removed manager", "no notice about a client the person may no longer see");
    }

    [Fact]
    public async Task Admin_deactivates_the_client_after_confirming_and_its_keys_stop()
    {
        var key = await Portal.CreateKeyAsync(Alpha);
        var cut = RenderPage(Admin);
        cut.WaitForAssertion(() => cut.FindAll(".active-toggle input").Should().ContainSingle());

        cut.Find(".active-toggle input").Change(false);
        Answer("Deactivate alpha?", confirm: true);

        cut.WaitForAssertion(() => TextOf(cut.Find(".active-state")).Should().Be("Inactive"));
        cut.Find(".inactive-note").TextContent.Should().Contain("refused");
        (await Portal.Verifier.VerifyAsync(key.FullKey)).Status.Should().Be(KeyStatus.ClientInactive);

        cut.Find(".active-toggle input").Change(true);
        Answer("Activate alpha?", confirm: true);
        cut.WaitForAssertion(() => TextOf(cut.Find(".active-state")).Should().Be("Active"));
        (await Portal.Verifier.VerifyAsync(key.FullKey)).Status.Should().Be(KeyStatus.Valid);
    }

    [Fact]
    public void Cancelling_the_confirmation_leaves_the_client_active()
    {
        var cut = RenderPage(Admin);
        cut.WaitForAssertion(() => cut.FindAll(".active-toggle input").Should().ContainSingle());

        cut.Find(".active-toggle input").HasAttribute("checked").Should().BeTrue();
        cut.Find(".active-toggle input").Change(false);
        Answer("Deactivate alpha?", confirm: false);

        TextOf(cut.Find(".active-state")).Should().Be("Active");
        cut.Find(".active-toggle input").HasAttribute("checked").Should().BeTrue();
        IsActive(Alpha).Should().BeTrue();
    }

    // Blazor numbers event handlers per renderer, so two renders of one markup differ only there.
    private static string WithoutHandlerIds(string markup) => System.Text.RegularExpressions.Regex.Replace(markup, "blazor:on[a-z]+=\"\\d+\"", "");

    private bool IsActive(string client)
    {
        using var db = Portal.Contexts.CreateDbContext();
        return db.Clients.Single(c => c.Name == client).IsActive;
    }
}
