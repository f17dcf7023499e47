using Bunit;
using Lumen.Portal.Clients.Detail;
using Lumen.Infrastructure.UseCases;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Tests.Portal.ClientDetail;

/// <summary>
/// Model access (§5, §8): every model with the status the gateway would give, the rule that decided it, and consent
/// for graylisted models, recorded and withdrawn by the client's managers and admins after confirming.
/// </summary>
public sealed class ModelAccessPanelTests : DetailPageTest
{
    private static (string Status, string Rule, string Consent) Line(IRenderedComponent<Lumen.Portal.Clients.Detail.ClientDetailPage> cut, string model)
    {
        var row = ModelRow(cut, model);
        return (TextOf(row.QuerySelector(".status")!), TextOf(row.QuerySelector(".rule")!), TextOf(row.QuerySelector(".consent")!));
    }

    [Fact]
    public void Every_model_of_the_config_shows_its_status_and_the_rule_that_decided_it()
    {
        var cut = RenderPage(ManagerOfAlpha, tab: DetailTab.Access);
        cut.WaitForAssertion(() => cut.FindAll(".model-row").Should().HaveCount(4));

        cut.FindAll(".model-row .model").Select(TextOf).Should().Equal("dummy", "llama3", "gray-model", "black-model");
        Line(cut, "dummy").Should().Be(("Allowed", "in whitelist", ""));
        Line(cut, "llama3").Should().Be(("Denied", "model_access.default: blacklist", ""));
        Line(cut, "gray-model").Should().Be(("Needs consent", "in graylist", "none recorded"));
        Line(cut, "black-model").Should().Be(("Denied", "in blacklist", ""));
        cut.FindAll(".record-consent").Should().ContainSingle().Which.GetAttribute("aria-label").Should().Be("Record consent for gray-model");
        cut.FindAll(".withdraw-consent").Should().BeEmpty();
    }

    [Fact]
    public async Task A_default_graylist_puts_every_unlisted_model_up_for_consent()
    {
        await Portal.CreateClientAsync("all-gray");

        var cut = RenderPage(Admin, "all-gray", tab: DetailTab.Access);
        cut.WaitForAssertion(() => cut.FindAll(".model-row").Should().HaveCount(4));

        cut.FindAll(".model-row .status").Select(TextOf).Should().AllBe("Needs consent");
        cut.FindAll(".model-row .rule").Select(TextOf).Should().AllBe("model_access.default: graylist");
        cut.FindAll(".record-consent").Should().HaveCount(4);
    }

    [Fact]
    public async Task A_budget_that_admits_no_call_shows_its_usable_models_as_blocked_by_it()
    {
        // all-gray has max 10 but no starting coins and no refill: the gateway refuses every call with 429, for ever.
        await Portal.CreateClientAsync("all-gray");
        (await Portal.Consents.GrantAsync(Actor.Cli, "all-gray", "dummy")).Unwrap();

        var cut = RenderPage(Admin, "all-gray", tab: DetailTab.Access);
        cut.WaitForAssertion(() => cut.FindAll(".model-row").Should().HaveCount(4));

        Line(cut, "dummy").Should().Be(("Blocked by budget", "model_access.default: graylist; budget: no coins left, and no refill",
            "recorded by cli at 2026-03-01 09:00 UTC"));
        Line(cut, "llama3").Status.Should().Be("Needs consent", "what is not allowed keeps its own reason");
        TextOf(cut.Find(".budget-blocks")).Should().Contain("admits no call (no coins left, and no refill)");
    }

    [Fact]
    public void A_budget_that_refill_lifts_blocks_nothing_on_the_page()
    {
        var cut = RenderPage(ManagerOfAlpha, tab: DetailTab.Access);
        cut.WaitForAssertion(() => cut.FindAll(".model-row").Should().HaveCount(4));

        cut.FindAll(".budget-blocks").Should().BeEmpty();
        Line(cut, "dummy").Status.Should().Be("Allowed");
    }

    [Fact]
    public async Task A_manager_records_consent_after_confirming_and_then_withdraws_it()
    {
        var cut = RenderPage(ManagerOfAlpha, tab: DetailTab.Access);
        cut.WaitForAssertion(() => cut.FindAll(".record-consent").Should().ContainSingle());

        cut.Find(".record-consent").Click();
        Answer("Record consent for gray-model?", confirm: true);

        cut.WaitForAssertion(() => Line(cut, "gray-model").Should().Be(
            ("Consented", "in graylist", "recorded by alice@example.org at 2026-03-01 09:00 UTC")));
        (await Portal.Consents.ConsentedModelsAsync(IdOf(Alpha))).Should().Equal("gray-model");
        SnackbarMessages.Should().Contain("Consent for gray-model recorded.");

        Portal.Clock.Advance(TimeSpan.FromHours(2));
        cut.Find(".withdraw-consent").Click();
        Answer("Withdraw consent for gray-model?", confirm: true);

        cut.WaitForAssertion(() => Line(cut, "gray-model").Should().Be(("Needs consent", "in graylist",
            "withdrawn by alice@example.org at 2026-03-01 11:00 UTC (recorded by alice@example.org at 2026-03-01 09:00 UTC)")));
        (await Portal.Consents.ConsentedModelsAsync(IdOf(Alpha))).Should().BeEmpty();
    }

    [Fact]
    public async Task Cancelling_records_nothing()
    {
        var cut = RenderPage(Admin, tab: DetailTab.Access);
        cut.WaitForAssertion(() => cut.FindAll(".record-consent").Should().ContainSingle());

        cut.Find(".record-consent").Click();
        Answer("Record consent for gray-model?", confirm: false);

        Line(cut, "gray-model").Status.Should().Be("Needs consent");
        (await Portal.Consents.ConsentedModelsAsync(IdOf(Alpha))).Should().BeEmpty();
    }

    [Fact]
    public async Task Consent_given_by_someone_else_shows_who_and_when_and_updates_live()
    {
        var cut = RenderPage(ManagerOfAlpha, tab: DetailTab.Access);
        cut.WaitForAssertion(() => cut.FindAll(".record-consent").Should().ContainSingle());

        (await Portal.Consents.GrantAsync(new Actor(Admin), Alpha, "gray-model")).Unwrap();

        cut.WaitForAssertion(() => Line(cut, "gray-model").Consent.Should().Be("recorded by admin@example.org at 2026-03-01 09:00 UTC"));
        cut.Find(".live-notice").TextContent.Should().Contain("admin@example.org recorded consent for gray-model");
    }

    [Fact]
    public async Task The_service_refusing_consent_is_shown_as_a_message()
    {
        var cut = RenderPage(ManagerOfAlpha, tab: DetailTab.Access);
        cut.WaitForAssertion(() => cut.FindAll(".record-consent").Should().ContainSingle());
        // The person loses the role on another portal instance (no event reaches this one): the button is still
        // there, and the service says no.
        await using (var db = await Portal.Contexts.CreateDbContextAsync())
            await db.Managers.Where(m => m.Email == ManagerOfAlpha).ExecuteDeleteAsync();

        cut.Find(".record-consent").Click();
        Answer("Record consent for gray-model?", confirm: true);

        cut.WaitForAssertion(() => SnackbarMessages.Should().Contain("Client 'alpha' was not found."));
        (await Portal.Consents.ConsentedModelsAsync(IdOf(Alpha))).Should().BeEmpty();
    }
}
