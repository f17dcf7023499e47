using Bunit;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Persistence;
using Lumen.Portal.Clients.Detail;

namespace Lumen.Tests.Portal.ClientDetail;

/// <summary>Managers (§6, §8): listed for everyone who may see the client; added by e-mail and removed by admins only.</summary>
public sealed class ManagersPanelTests : DetailPageTest
{
    private IRenderedComponent<ClientDetailPage> AdminPage()
    {
        var cut = RenderPage(Admin, tab: DetailTab.Managers);
        cut.WaitForAssertion(() => cut.FindAll(".new-manager-email input").Should().ContainSingle());
        return cut;
    }

    private static void Add(IRenderedComponent<ClientDetailPage> cut, string email)
    {
        cut.Find(".new-manager-email input").Input(email);
        cut.Find(".add-manager-button").Click();
    }

    private List<string> ManagersInDatabase()
    {
        using var db = Portal.Contexts.CreateDbContext();
        var id = IdOf(Alpha);
        return db.Managers.Where(m => m.ClientId == id).Select(m => m.Email).OrderBy(e => e).ToList();
    }

    [Fact]
    public void Each_manager_shows_who_added_them_and_when()
    {
        var cut = RenderPage(ManagerOfAlpha, tab: DetailTab.Managers);

        cut.WaitForAssertion(() => TextOf(cut.Find(".manager")).Should().Be("alice@example.org added by cli at 2026-03-01 09:00 UTC"));
    }

    [Fact]
    public void Admin_adds_a_manager_by_e_mail()
    {
        var cut = AdminPage();

        Add(cut, " Carol@Example.ORG ");

        cut.WaitForAssertion(() => cut.FindAll(".manager-email").Select(e => e.TextContent)
            .Should().Equal("alice@example.org", "carol@example.org"));
        ManagersInDatabase().Should().Equal("alice@example.org", "carol@example.org");
        SnackbarMessages.Should().Contain("carol@example.org is a manager of alpha.");
        cut.Find(".new-manager-email input").GetAttribute("value").Should().BeNullOrEmpty("the field is cleared for the next one");
    }

    [Fact]
    public void Re_adding_a_manager_in_other_case_says_they_already_are_and_adds_nobody()
    {
        var cut = AdminPage();

        Add(cut, "ALICE@Example.org");

        cut.WaitForAssertion(() => SnackbarMessages.Should().Contain("alice@example.org is already a manager of alpha."));
        SnackbarMessages.Should().NotContain("alice@example.org is a manager of alpha.");
        ManagersInDatabase().Should().Equal("alice@example.org");
        cut.FindAll(".add-manager .mud-input-error").Should().BeEmpty("it is not a failure");
    }

    [Fact]
    public void Clearing_the_e_mail_field_takes_away_its_stale_error()
    {
        var cut = AdminPage();
        Add(cut, "carol");
        cut.WaitForAssertion(() => cut.FindAll(".add-manager .mud-input-helper-text").Should().ContainSingle());

        cut.Find(".new-manager-email input").Input("");

        cut.WaitForAssertion(() => cut.FindAll(".add-manager .mud-input-helper-text").Should().BeEmpty());
        cut.FindAll(".add-manager .mud-input-error").Should().BeEmpty();
    }

    [Theory]
    [InlineData("", "An e-mail address is required.")]
    [InlineData("carol", "'carol' is not an e-mail address like name@example.org.")]
    [InlineData("Carol <carol@example.org>", "'Carol <carol@example.org>' is not an e-mail address like name@example.org.")]
    public void An_invalid_e_mail_gets_a_clear_message_and_adds_nobody(string email, string message)
    {
        var cut = AdminPage();

        Add(cut, email);

        cut.WaitForAssertion(() => TextOf(cut.Find(".add-manager .mud-input-helper-text")).Should().Be(message));
        ManagersInDatabase().Should().Equal("alice@example.org");
    }

    [Fact]
    public void Admin_removes_a_manager_after_confirming()
    {
        var cut = AdminPage();

        cut.Find(".remove-manager").GetAttribute("aria-label").Should().Be("Remove manager alice@example.org");
        cut.Find(".remove-manager").Click();
        Answer("Remove alice@example.org?", confirm: true);

        cut.WaitForAssertion(() => cut.FindAll(".manager").Should().BeEmpty());
        cut.Find(".no-managers").TextContent.Should().Be("No managers yet.");
        ManagersInDatabase().Should().BeEmpty();
    }

    [Fact]
    public void Cancelling_a_removal_keeps_the_manager()
    {
        var cut = AdminPage();

        cut.Find(".remove-manager").Click();
        Answer("Remove alice@example.org?", confirm: false);

        cut.FindAll(".manager").Should().ContainSingle();
        ManagersInDatabase().Should().Equal("alice@example.org");
    }

    [Fact]
    public async Task A_manager_e_mail_holding_markup_is_refused_by_the_service()
    {
        var added = await Portal.Managers.AddAsync(new Actor(Admin), Alpha, "<img src=x onerror=alert(1)>@example.org");

        added.Failure!.Kind.Should().Be(FailureKind.Invalid);
        ManagersInDatabase().Should().Equal("alice@example.org");
    }

    [Fact]
    public async Task A_stored_e_mail_holding_markup_renders_as_text()
    {
        // Not possible through the services (above); written straight to the database, as a defence in depth.
        const string email = "<img src=x onerror=alert(1)>@example.org";
        await using (var db = await Portal.Contexts.CreateDbContextAsync())
        {
            db.Managers.Add(new ManagerRow { ClientId = IdOf(Alpha), Email = email, AddedAt = DateTime.UtcNow, AddedBy = "<b>bold</b>" });
            await db.SaveChangesAsync();
        }

        var cut = RenderPage(Admin, tab: DetailTab.Managers);
        cut.WaitForAssertion(() => cut.FindAll(".manager").Should().HaveCount(2));

        cut.FindAll(".manager-email").Select(e => e.TextContent).Should().Contain(email);
        cut.FindAll(".managers-panel img").Should().BeEmpty();
        cut.FindAll(".managers-panel b").Should().BeEmpty();
        cut.Markup.Should().Contain("&lt;img src=x onerror=alert(1)&gt;@example.org").And.Contain("&lt;b&gt;bold&lt;/b&gt;");
        cut.FindAll(".remove-manager").Select(b => b.GetAttribute("aria-label")).Should().Contain($"Remove manager {email}");
    }
}
