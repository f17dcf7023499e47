using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Lumen.Tests.Hosting;

/// <summary>People signed in through the real development sign-in form: antiforgery token, cookie and all.</summary>
public partial class TestHost
{
    /// <summary>An HTTP client of this portal that does not follow redirects; it keeps cookies unless told not to.</summary>
    public HttpClient CreateBrowser(bool handleCookies = true) => Options.Kestrel
        ? new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = handleCookies })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        }
        : CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = handleCookies });

    /// <summary>A browser (keeps cookies, follows no redirects) signed in as <paramref name="email"/>, or anonymous when null.</summary>
    public async Task<HttpClient> SignInAs(string? email)
    {
        var client = CreateBrowser();
        if (email is null) return client;
        var token = await AntiforgeryTokenAsync(client, "/auth/dev-sign-in");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["email"] = email,
            ["returnUrl"] = "/",
        });
        using var response = await client.PostAsync(new Uri("/auth/dev-sign-in", UriKind.Relative), form);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, "the development sign-in form accepts {0}", email);
        return client;
    }

    /// <summary>
    /// Signs in and returns the auth cookie as a <c>Cookie</c> header value, for clients that cannot share a cookie
    /// container (the SignalR client).
    /// </summary>
    public async Task<string> SignInCookieAsync(string email) =>
        (await DevSignInAsync(this, this, email)).Cookie ?? throw new InvalidOperationException($"No sign-in cookie for {email}.");

    /// <summary>
    /// Signs in through the development form: the form (its antiforgery cookie and token) from <paramref name="formFrom"/>,
    /// the post to <paramref name="postTo"/>. The status of the post and its sign-in cookie (a <c>Cookie</c> header value).
    /// </summary>
    public static async Task<(HttpStatusCode Status, string? Cookie)> DevSignInAsync(TestHost formFrom, TestHost postTo, string email)
    {
        using var formClient = formFrom.CreateBrowser(handleCookies: false);
        using var postClient = postTo.CreateBrowser(handleCookies: false);
        using var page = await formClient.GetAsync(new Uri("/auth/dev-sign-in", UriKind.Relative));
        var token = TokenField().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/auth/dev-sign-in", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
                ["email"] = email,
            }),
        };
        request.Headers.Add("Cookie", string.Join("; ", CookiesOf(page)));
        using var response = await postClient.SendAsync(request);
        return (response.StatusCode, CookiesOf(response).SingleOrDefault(c => c.StartsWith("lumen.auth=", StringComparison.Ordinal)));
    }

    /// <summary>The antiforgery token of the first form on <paramref name="path"/>.</summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string path)
    {
        var html = await client.GetStringAsync(new Uri(path, UriKind.Relative));
        return TokenField().Match(html) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException($"No antiforgery token on {path}.");
    }

    private static IEnumerable<string> CookiesOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Select(v => v.Split(';')[0]) : [];

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
