using Bunit;
using Lumen.Domain.ApiKeys;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.UseCases;
using Lumen.Portal.Clients.Detail;
using Lumen.Tests.Infrastructure;

namespace Lumen.Tests.Portal.ClientDetail;

/// <summary>
/// §22 on the keys tab: the lifetime in New API Key (and the ceiling there), Rotate with its grace and the successor
/// shown once, the rows' states and which key replaced which, and the two filters.
/// </summary>
public sealed class KeyLifecyclePanelTests : DetailPageTest
{
    private IRenderedComponent<ClientDetailPage> KeysPage(string email = ManagerOfAlpha)
    {
        var cut = RenderPage(email, tab: DetailTab.Keys);
        cut.WaitForAssertion(() => cut.FindAll(".new-api-key").Should().ContainSingle());
        return cut;
    }

    private void OpenNewKey(IRenderedComponent<ClientDetailPage> cut)
    {
        cut.Find(".new-api-key").Click();
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".key-lifetime").Should().ContainSingle());
    }

    private static string RowText(IRenderedComponent<ClientDetailPage> cut, string hint) =>
        TextOf(cut.FindAll(".api-key").Single(r => r.QuerySelector(".key-hint")!.TextContent == hint));

    [Fact]
    public async Task A_new_key_gets_90_days_by_default_and_a_chosen_date_through_that_day()
    {
        var cut = KeysPage();
        OpenNewKey(cut);
        Dialogs.Find(".lifetime-90 input").HasAttribute("checked").Should().BeTrue("90 days is the default");
        Dialogs.FindAll(".lifetime-never").Should().ContainSingle("without a ceiling a key may never expire");
        Dialogs.Find(".new-key-create").Click();
        Dialogs.WaitForAssertion(() => TextOf(Dialogs.Find(".created-key-expiry")).Should().Be("expires 2026-05-30 09:00 UTC"));
        Dialogs.Find(".new-key-done").Click();

        OpenNewKey(cut);
        Dialogs.Find(".lifetime-date input").Click();
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".key-date input").Should().ContainSingle());
        Dialogs.Find(".key-date input").Change("2026-04-15");
        Dialogs.Find(".new-key-create").Click();
        Dialogs.WaitForAssertion(() => TextOf(Dialogs.Find(".created-key-expiry")).Should().Be("expires 2026-04-16 00:00 UTC"));

        var keys = (await Portal.Keys.ListAsync(Actor.Cli, Alpha)).Unwrap();
        keys.Select(k => k.ExpiresAt).Should().BeEquivalentTo(new DateTime?[]
            { new DateTime(2026, 5, 30, 9, 0, 0, DateTimeKind.Utc), new DateTime(2026, 4, 16, 0, 0, 0, DateTimeKind.Utc) });
    }

    [Fact]
    public async Task Under_a_ceiling_the_dialog_offers_only_what_it_allows_and_refuses_a_later_date()
    {
        Portal.Config.Apply(ConfigLoader.Parse(TestPortal.Yaml + "\nkeys: {max_days: 60}\n"));
        var cut = KeysPage();
        OpenNewKey(cut);

        Dialogs.FindAll(".lifetime-never").Should().BeEmpty();
        Dialogs.FindAll(".lifetime-365").Should().BeEmpty();
        Dialogs.Find(".lifetime-60 input").HasAttribute("checked").Should().BeTrue("the ceiling is the default when shorter than 90 days");
        TextOf(Dialogs.Find(".key-ceiling")).Should().Be("The config allows keys of at most 60 days.");
        Dialogs.Find(".lifetime-date input").Click();
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".key-date input").Should().ContainSingle());
        Dialogs.Find(".key-date input").Change("2026-05-01");
        Dialogs.Find(".new-key-create").Click();

        Dialogs.WaitForAssertion(() => TextOf(Dialogs.Find(".key-lifetime-error")).Should().Contain("at most 60 days"));
        Dialogs.FindAll(".full-key").Should().BeEmpty();
        (await Portal.Keys.ListAsync(Actor.Cli, Alpha)).Unwrap().Should().BeEmpty();
    }

    [Fact]
    public async Task Rotating_shows_the_successor_once_and_both_rows_say_which_replaced_which()
    {
        var old = (await Portal.Keys.CreateAsync(Actor.Cli, Alpha, "ci", KeyLifetime.FromDays(30))).Unwrap();
        var cut = KeysPage();
        cut.WaitForAssertion(() => cut.FindAll(".rotate-key").Should().ContainSingle());
        cut.Find(".rotate-key").GetAttribute("aria-label").Should().Be($"Rotate key ci ({old.Key.Hint})");

        cut.Find(".rotate-key").Click();
        Dialogs.WaitForAssertion(() => Dialogs.Find(".rotate-key-dialog h2").TextContent.Should().Be("Rotate ci"));
        Dialogs.Find(".grace-1d input").HasAttribute("checked").Should().BeTrue("a day's grace is proposed");
        Dialogs.Find(".grace-1h input").Click();
        Dialogs.Find(".rotate-confirm").Click();
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".full-key input").Should().ContainSingle());
        var successor = Dialogs.Find(".full-key input").GetAttribute("value")!;
        TextOf(Dialogs.Find(".old-key-until")).Should().Be($"The old key {old.Key.Hint} works until 2026-03-01 10:00 UTC.");
        TextOf(Dialogs.Find(".created-key-name")).Should().Be("ci");
        Dialogs.Find(".rotate-done").Click();

        (await Portal.Verifier.VerifyAsync(successor)).Status.Should().Be(KeyStatus.Valid);
        (await Portal.Verifier.VerifyAsync(old.FullKey)).Status.Should().Be(KeyStatus.Valid);
        var newHint = $"{successor[..17]}…{successor[^4..]}";
        cut.WaitForAssertion(() => cut.FindAll(".api-key").Should().HaveCount(2));
        RowText(cut, old.Key.Hint).Should().Contain("In grace").And.Contain("until 2026-03-01 10:00 UTC").And.Contain($"replaced by {newHint}");
        RowText(cut, newHint).Should().Contain("Active").And.Contain($"replaces {old.Key.Hint}").And.Contain("2026-03-31 09:00 UTC");
        cut.FindAll(".rotate-key").Should().ContainSingle("a key in its grace cannot be rotated again");
        cut.Markup.Should().NotContain(successor[17..], "the successor's secret is shown only in the dialog");

        Portal.Clock.Advance(TimeSpan.FromHours(1));
        await Portal.CreateKeyAsync(Alpha, "another"); // a change elsewhere: the open page reloads, as of now
        cut.WaitForAssertion(() => RowText(cut, old.Key.Hint).Should().Contain("Expired").And.Contain("at 2026-03-01 10:00 UTC"));
        cut.FindAll(".api-key.expired .revoke-key").Should().BeEmpty("an expired key has nothing left to revoke");
    }

    [Fact]
    public async Task Rotation_refused_by_the_service_is_said_in_the_dialog()
    {
        var old = await Portal.CreateKeyAsync(Alpha, "ci");
        var cut = KeysPage();
        cut.WaitForAssertion(() => cut.FindAll(".rotate-key").Should().ContainSingle());
        cut.Find(".rotate-key").Click();
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".rotate-confirm").Should().ContainSingle());

        (await Portal.Keys.RotateAsync(Actor.Cli, Alpha, old.Key.PublicId, KeyGrace.Week)).Unwrap(); // elsewhere, meanwhile
        Dialogs.Find(".rotate-confirm").Click();

        Dialogs.WaitForAssertion(() => TextOf(Dialogs.Find(".rotate-error")).Should().Contain("already rotated"));
        Dialogs.FindAll(".full-key").Should().BeEmpty();
    }

    [Fact]
    public async Task The_filters_show_keys_expiring_within_14_days_and_keys_unused_for_30()
    {
        (await Portal.Keys.CreateAsync(Actor.Cli, Alpha, "soon", KeyLifetime.FromDays(40))).Unwrap();
        (await Portal.Keys.CreateAsync(Actor.Cli, Alpha, "later", KeyLifetime.FromDays(365))).Unwrap();
        Portal.Clock.Advance(TimeSpan.FromDays(30));
        (await Portal.Keys.CreateAsync(Actor.Cli, Alpha, "fresh", KeyLifetime.FromDays(10))).Unwrap();
        var cut = KeysPage();
        cut.WaitForAssertion(() => cut.FindAll(".api-key").Should().HaveCount(3));

        cut.Find(".filter-expiring input").Click();
        cut.WaitForAssertion(() => cut.FindAll(".api-key .key-name").Select(e => e.TextContent).Should().BeEquivalentTo(["soon", "fresh"]));

        cut.Find(".filter-unused input").Click();
        cut.WaitForAssertion(() => cut.FindAll(".api-key .key-name").Select(e => e.TextContent).Should().BeEquivalentTo(["soon", "later"]));

        cut.Find(".filter-all input").Click();
        cut.WaitForAssertion(() => cut.FindAll(".api-key").Should().HaveCount(3));
    }
}
