using Bunit;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Portal.Clients.Detail;
using Lumen.Portal.Views;
using Microsoft.JSInterop;

namespace Lumen.Tests.Portal.ClientDetail;

/// <summary>
/// API keys (§8, §9): the list with hint, creator, last use and status; New API Key shows the full key once with a
/// copy button; revoking asks first and the key fails on its next call.
/// </summary>
public sealed class ApiKeysPanelTests : DetailPageTest
{
    private const string Clipboard = "navigator.clipboard.writeText";

    private IRenderedComponent<ClientDetailPage> KeysPage(string email = ManagerOfAlpha)
    {
        var cut = RenderPage(email, tab: DetailTab.Keys);
        cut.WaitForAssertion(() => cut.FindAll(".new-api-key").Should().ContainSingle());
        return cut;
    }

    /// <summary>New API Key, a label, Create: returns the full key the dialog shows.</summary>
    private string CreateKey(IRenderedComponent<ClientDetailPage> cut, string label)
    {
        cut.Find(".new-api-key").Click();
        Dialogs.WaitForAssertion(() => Dialogs.Find(".new-api-key-dialog h2").TextContent.Should().Be("New API key for alpha"));
        Dialogs.Find(".new-key-label input").Input(label);
        Dialogs.Find(".new-key-create").Click();
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".full-key input").Should().ContainSingle());
        return Dialogs.Find(".full-key input").GetAttribute("value")!;
    }

    [Fact]
    public async Task A_new_key_is_shown_once_with_a_warning_and_a_copy_button_and_works()
    {
        var cut = KeysPage();
        var copied = JSInterop.SetupVoid(Clipboard, _ => true);
        copied.SetVoidResult();

        var fullKey = CreateKey(cut, "nightly-pipeline");

        Dialogs.Find(".new-api-key-dialog h2").TextContent.Should().Be("Your new API key");
        TextOf(Dialogs.Find(".show-once")).Should().Contain("Copy it now: you will not see it again.");
        Dialogs.Find(".full-key input").HasAttribute("readonly").Should().BeTrue();
        (await Portal.Verifier.VerifyAsync(fullKey)).Status.Should().Be(KeyStatus.Valid);

        Dialogs.Find(".copy-key").Click();
        Dialogs.WaitForAssertion(() => TextOf(Dialogs.Find(".copy-status")).Should().Be("Copied to the clipboard."));
        copied.Invocations.Should().ContainSingle().Which.Arguments.Should().Equal(fullKey);

        Dialogs.Find(".new-key-done").Click();
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".new-api-key-dialog").Should().BeEmpty());
        cut.WaitForAssertion(() => cut.FindAll(".api-key").Should().ContainSingle());
        var row = cut.Find(".api-key");
        TextOf(row.QuerySelector(".key-name")!).Should().Be("nightly-pipeline");
        TextOf(row.QuerySelector(".key-hint")!).Should().Be($"{fullKey[..17]}…{fullKey[^4..]}");
        TextOf(row.QuerySelector(".key-created")!).Should().Be("2026-03-01 09:00 UTC by alice@example.org");
        TextOf(row.QuerySelector(".key-last-used")!).Should().Be("never");
        TextOf(row.QuerySelector(".key-status")!).Should().Be("Active");
        cut.Markup.Should().NotContain(fullKey[17..], "the secret is never shown again");
        Dialogs.Markup.Should().NotContain(fullKey[17..]);
    }

    [Fact]
    public void When_the_browser_refuses_to_copy_the_dialog_says_to_copy_by_hand()
    {
        var cut = KeysPage();
        JSInterop.SetupVoid(Clipboard, _ => true).SetException(new JSException("Write permission denied."));
        CreateKey(cut, "");

        Dialogs.Find(".copy-key").Click();

        Dialogs.WaitForAssertion(() => TextOf(Dialogs.Find(".copy-status"))
            .Should().Be("The browser did not allow copying: select the key above and copy it by hand."));
    }

    [Fact]
    public void A_too_long_label_gets_the_services_message_and_creates_nothing()
    {
        var cut = KeysPage();
        cut.Find(".new-api-key").Click();
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".new-key-label input").Should().ContainSingle());

        Dialogs.Find(".new-key-label input").Input(new string('k', ApiKeyService.MaxLabelLength + 1));
        Dialogs.Find(".new-key-create").Click();

        Dialogs.WaitForAssertion(() => Dialogs.Find(".new-key-label").TextContent.Should().Contain("A key name has at most 100 characters."));
        Dialogs.FindAll(".full-key").Should().BeEmpty();
        Dialogs.Find(".new-key-cancel").Click();
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".new-api-key-dialog").Should().BeEmpty());
        cut.FindAll(".api-key").Should().BeEmpty();
        using var db = Portal.Contexts.CreateDbContext();
        db.ApiKeys.Count(k => k.ClientId == IdOf(Alpha)).Should().Be(0, "the list is not reloaded after Cancel: the database says nothing was stored");
    }

    [Fact]
    public async Task A_database_failure_during_revoke_is_a_message_not_a_broken_page()
    {
        var key = await Portal.CreateKeyAsync(Alpha, "kept");
        var cut = KeysPage();
        cut.WaitForAssertion(() => cut.FindAll(".revoke-key").Should().ContainSingle());
        await SqlAsync("ALTER TABLE api_keys RENAME TO api_keys_away");

        cut.Find(".revoke-key").Click();
        Answer("Revoke kept?", confirm: true);

        cut.WaitForAssertion(() => SnackbarMessages.Should().Contain(ActionRunner.UnavailableMessage));
        cut.WaitForAssertion(() => cut.Find(".load-error[role=alert]").TextContent.Should().Contain("could not be loaded"));
        await SqlAsync("ALTER TABLE api_keys_away RENAME TO api_keys");
        (await Portal.Verifier.VerifyAsync(key.FullKey)).Status.Should().Be(KeyStatus.Valid);
    }

    [Fact]
    public async Task Revoking_asks_first_then_the_key_stays_listed_as_revoked_and_fails()
    {
        var key = await Portal.CreateKeyAsync(Alpha, "old key");
        Portal.Clock.Advance(TimeSpan.FromMinutes(5));
        var cut = KeysPage();
        cut.WaitForAssertion(() => cut.FindAll(".revoke-key").Should().ContainSingle());

        cut.Find(".revoke-key").GetAttribute("aria-label").Should().Be($"Revoke key old key ({key.Key.Hint})");
        cut.Find(".revoke-key").Click();
        Answer("Revoke old key?", confirm: true);

        cut.WaitForAssertion(() => TextOf(cut.Find(".api-key .key-status")).Should().Be("Revoked by alice@example.org at 2026-03-01 09:05 UTC"));
        cut.FindAll(".revoke-key").Should().BeEmpty();
        (await Portal.Verifier.VerifyAsync(key.FullKey)).Status.Should().Be(KeyStatus.Invalid);
    }

    [Fact]
    public async Task Cancelling_a_revoke_keeps_the_key_working()
    {
        var key = await Portal.CreateKeyAsync(Alpha, "kept");
        var cut = KeysPage(Admin);
        cut.WaitForAssertion(() => cut.FindAll(".revoke-key").Should().ContainSingle());

        cut.Find(".revoke-key").Click();
        Answer("Revoke kept?", confirm: false);

        TextOf(cut.Find(".api-key .key-status")).Should().Be("Active");
        (await Portal.Verifier.VerifyAsync(key.FullKey)).Status.Should().Be(KeyStatus.Valid);
    }

    [Fact]
    public async Task A_key_label_holding_markup_renders_as_text()
    {
        const string label = "<img src=x onerror=alert(1)>";
        await Portal.CreateKeyAsync(Alpha, label);

        var cut = KeysPage();
        cut.WaitForAssertion(() => cut.FindAll(".api-key").Should().ContainSingle());

        cut.Find(".api-key .key-name").TextContent.Should().Be(label);
        cut.FindAll("img").Should().BeEmpty();
        cut.Find(".api-key .key-name").InnerHtml.Should().Be("&lt;img src=x onerror=alert(1)&gt;");
    }

    [Fact]
    public void A_label_holding_markup_typed_into_the_dialog_is_shown_as_text()
    {
        const string label = "<b onmouseover=alert(1)>x</b>";
        var cut = KeysPage();

        CreateKey(cut, label);

        Dialogs.Find(".created-key-name").TextContent.Should().Be(label);
        Dialogs.FindAll(".new-api-key-dialog b").Should().BeEmpty();
    }
}
