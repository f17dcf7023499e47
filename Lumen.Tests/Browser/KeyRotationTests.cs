using Lumen.Domain.ApiKeys;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Managers;
using Lumen.Infrastructure.UseCases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpenAI.Chat;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lumen.Tests.Browser;

/// <summary>
/// §22 in Chromium: a manager rotates a key with a day's grace, copies the successor from the dialog (shown once), sees
/// both rows with their states, and both keys answer through the OpenAI SDK; axe finds nothing on the dialog.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class KeyRotationTests(BrowserFixture browser, DetailPortal portal, ITestOutputHelper output)
    : BrowserTest<DetailPortal>(browser, portal, output), IClassFixture<DetailPortal>
{
    private const string Client = DetailPortal.NewClient;
    private const string Manager = "rota@example.org";

    [Fact]
    public async Task A_manager_rotates_a_key_with_a_day_of_grace_and_both_keys_answer_until_then()
    {
        (await Portal.Services.GetRequiredService<ManagerService>().AddAsync(Actor.Cli, Client, Manager)).Unwrap();
        var old = (await Portal.Services.GetRequiredService<ApiKeyService>()
            .CreateAsync(new Actor(Manager), Client, "deploy", KeyLifetime.FromDays(90))).Unwrap();
        await Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await Page.DevSignInAsync(Manager, $"/clients/{Client}/keys");
        var page = new DetailPage(Page);
        await Expect(page.KeyRow("deploy")).ToContainTextAsync("Active");

        await page.KeyRow("deploy").GetByRole(AriaRole.Button, new() { Name = $"Rotate key deploy ({old.Key.Hint})" }).ClickAsync();
        var ask = page.Dialog("Rotate deploy");
        await Expect(ask.GetByRole(AriaRole.Radio, new() { Name = "1 day" })).ToBeCheckedAsync();
        // The dialog as it stands once its opening has finished fading in, not halfway.
        // An animation cancelled meanwhile rejects its promise (AbortError): it has ended too.
        await Page.EvaluateAsync("() => Promise.all(document.getAnimations().map(a => a.finished.catch(() => null)))");
        await Page.ExpectNoAxeViolationsAsync(Output);
        await ask.GetByRole(AriaRole.Radio, new() { Name = "1 hour" }).CheckAsync();
        await ask.GetByRole(AriaRole.Radio, new() { Name = "1 day" }).CheckAsync();
        await ask.GetByRole(AriaRole.Button, new() { Name = "Rotate", Exact = true }).ClickAsync();

        var shown = page.Dialog("Your new API key");
        await Expect(shown.GetByText("Copy it now: you will not see it again.")).ToBeVisibleAsync();
        await Expect(shown.GetByText($"The old key {old.Key.Hint} works until")).ToBeVisibleAsync();
        var successor = await shown.GetByRole(AriaRole.Textbox, new() { Name = "API key", Exact = true }).InputValueAsync();
        successor.Should().StartWith("lmn_").And.NotBe(old.FullKey);
        await shown.GetByRole(AriaRole.Button, new() { Name = "Copy the API key" }).ClickAsync();
        await Expect(shown.GetByText("Copied to the clipboard.")).ToBeVisibleAsync();
        (await Page.EvaluateAsync<string>("() => navigator.clipboard.readText()")).Should().Be(successor);
        await Page.ExpectNoAxeViolationsAsync(Output);
        await shown.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(shown).ToBeHiddenAsync();

        var newHint = $"{successor[..17]}…{successor[^4..]}";
        var oldRow = Page.Locator($"tr.api-key[data-key-id='{old.Key.PublicId}']");
        var newRow = Page.Locator($"tr.api-key[data-key-id='{successor[4..16]}']");
        await Expect(page.KeyRow("deploy")).ToHaveCountAsync(2);
        await Expect(oldRow.Locator(".key-status")).ToContainTextAsync("In grace");
        await Expect(oldRow.Locator(".key-replaced-by")).ToHaveTextAsync($"replaced by {newHint}");
        await Expect(oldRow.GetByRole(AriaRole.Button, new() { NameRegex = new("^Rotate") })).ToHaveCountAsync(0);
        await Expect(newRow.Locator(".key-status")).ToContainTextAsync("Active");
        await Expect(newRow.Locator(".key-replaces")).ToHaveTextAsync($"replaces {old.Key.Hint}");
        (await Page.ContentAsync()).Should().NotContain(successor, "the full key is shown once only");

        foreach (var key in new[] { old.FullKey, successor })
        {
            var answer = await Portal.Sdk(key).GetChatClient("dummy").CompleteChatAsync([new UserChatMessage("still there?")]);
            answer.Value.Content.Should().NotBeEmpty();
        }
    }
}
