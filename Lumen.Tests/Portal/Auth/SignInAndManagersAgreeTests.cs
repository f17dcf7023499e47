using System.Security.Claims;
using Lumen.Domain.People;
using Lumen.Portal.Auth;
using Lumen.Tests.Domain.People;
using Lumen.Tests.Infrastructure;
using Lumen.Tests.Infrastructure.Databases;

namespace Lumen.Tests.Portal.Auth;

/// <summary>
/// §6: whoever an identity provider signs in can be made a manager, and text neither accepts is refused by both
/// with the same message: the portal's reading of the sign-in claims and the manager service, on every case.
/// </summary>
public sealed class SignInAndManagersAgreeTests
{
    [Fact]
    public async Task Every_address_sign_in_accepts_can_be_made_a_manager_who_is_then_recognised()
    {
        await using var db = await SqliteDatabase.CreateAsync();
        await using var portal = new TestPortal(db);
        await portal.CreateClientAsync("alpha");

        foreach (var text in EmailAddressTests.Valid.Select(row => (string)row[0]))
        {
            var signedIn = PortalUser.ActorOf(SignedInWith(text));
            signedIn.Should().NotBeNull($"sign-in accepts '{text}'");

            var added = await portal.Managers.AddAsync(TestPortal.Admin, "alpha", text);

            added.Failure.Should().BeNull($"'{text}' signs in, so it can be made a manager");
            added.Value!.Manager.Email.Should().Be(signedIn!.NormalizedEmail);
            (await portal.Keys.ListAsync(signedIn, "alpha")).Succeeded.Should().BeTrue($"'{text}' signed in is alpha's manager");
        }
    }

    [Fact]
    public async Task Text_sign_in_refuses_is_refused_as_a_manager_with_the_same_message()
    {
        await using var db = await SqliteDatabase.CreateAsync();
        await using var portal = new TestPortal(db);
        await portal.CreateClientAsync("alpha");

        foreach (var row in EmailAddressTests.Invalid)
        {
            var (text, message) = ((string?)row[0], (string)row[1]);
            if (text is not null)
                PortalUser.ActorOf(SignedInWith(text)).Should().BeNull($"sign-in refuses '{text}'");
            EmailAddress.Validate(text).Should().Be(message, "the dev sign-in form shows this message");

            var added = await portal.Managers.AddAsync(TestPortal.Admin, "alpha", text);

            added.Failure!.Message.Should().Be(message, $"'{text}' is refused alike");
        }
        (await portal.Managers.ListAsync(TestPortal.Admin, "alpha")).Unwrap().Should().BeEmpty();
    }

    /// <summary>A person an identity provider signed in, with <paramref name="email"/> as their e-mail claim.</summary>
    private static ClaimsPrincipal SignedInWith(string email) =>
        new(new ClaimsIdentity([new Claim("email", email)], authenticationType: "oidc"));
}
