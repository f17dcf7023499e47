using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Identity.Web;

namespace Lumen.Portal.Auth;

/// <summary>Which identity provider signs people in (§6).</summary>
public enum SignInKind
{
    /// <summary>Microsoft Entra ID through Microsoft.Identity.Web (<c>AzureAd:*</c>).</summary>
    EntraId,
    /// <summary>A generic OpenID Connect provider such as CILogon (<c>Oidc:*</c>).</summary>
    OpenIdConnect,
    /// <summary>The development sign-in page: pick or type an e-mail. Development environment only.</summary>
    Development,
}

public static class AuthSetup
{
    public const string SignInPath = "/auth/sign-in";
    public const string DevSignInPath = "/auth/dev-sign-in";
    public const string SignOutPath = "/auth/sign-out";
    public const string AccessDeniedPath = "/access-denied";

    /// <summary>
    /// Cookie sign-in with the configured provider. In Production with no real provider this throws, so the app
    /// refuses to start rather than run with a sign-in page anyone could use.
    /// </summary>
    public static SignInKind AddPortalAuthentication(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var kind = Choose(configuration, environment);
        services.AddSingleton(new SignInMode(kind));
        switch (kind)
        {
            case SignInKind.EntraId:
                services.AddAuthentication(OpenIdConnectDefaults.AuthenticationScheme)
                    .AddMicrosoftIdentityWebApp(configuration.GetSection("AzureAd"));
                services.Configure<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme, ConfigureCookie);
                break;
            case SignInKind.OpenIdConnect:
                services.AddAuthentication(o =>
                    {
                        o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                        o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
                    })
                    .AddCookie(ConfigureCookie)
                    .AddOpenIdConnect(o => ConfigureOidc(o, configuration.GetSection("Oidc")));
                break;
            default:
                services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(ConfigureCookie);
                break;
        }
        services.AddAuthorization(PortalPolicies.Add);
        services.AddSingleton<IAuthorizationHandler, PortalRoleHandler>();
        services.AddCascadingAuthenticationState();
        return kind;
    }

    public static SignInKind Choose(IConfiguration configuration, IHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(configuration["AzureAd:ClientId"])) return SignInKind.EntraId;
        if (!string.IsNullOrWhiteSpace(configuration["Oidc:Authority"])) return SignInKind.OpenIdConnect;
        if (environment.IsDevelopment()) return SignInKind.Development;
        throw new Hosting.StartRefusedException(
            $"No identity provider is configured for the {environment.EnvironmentName} environment. Configure Microsoft Entra ID " +
            "(AzureAd:Instance, AzureAd:TenantId, AzureAd:ClientId, AzureAd:ClientSecret) or an OpenID Connect provider " +
            "(Oidc:Authority, Oidc:ClientId, Oidc:ClientSecret). The development sign-in page exists only in Development.");
    }

    private static void ConfigureCookie(CookieAuthenticationOptions o)
    {
        o.LoginPath = SignInPath;
        o.LogoutPath = SignOutPath;
        o.AccessDeniedPath = AccessDeniedPath;
        o.Cookie.Name = "lumen.auth";
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Lax;
        o.ExpireTimeSpan = TimeSpan.FromHours(8);
        o.SlidingExpiration = true;
        // Programs (the hub's clients) get status codes, not an HTML sign-in page.
        o.Events.OnRedirectToLogin = ctx => RedirectOrStatus(ctx.HttpContext, ctx.RedirectUri, StatusCodes.Status401Unauthorized);
        o.Events.OnRedirectToAccessDenied = ctx => RedirectOrStatus(ctx.HttpContext, ctx.RedirectUri, StatusCodes.Status403Forbidden);
    }

    private static Task RedirectOrStatus(HttpContext http, string redirectUri, int status)
    {
        if (http.Request.Path.StartsWithSegments("/hubs"))
        {
            http.Response.StatusCode = status;
            // A bare status for programs, not the HTML "not found" page re-executed in its place.
            if (http.Features.Get<IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
        }
        else
        {
            http.Response.Redirect(redirectUri);
        }
        return Task.CompletedTask;
    }

    private static void ConfigureOidc(OpenIdConnectOptions o, IConfigurationSection section)
    {
        o.Authority = section["Authority"];
        o.ClientId = section["ClientId"];
        o.ClientSecret = section["ClientSecret"];
        o.ResponseType = "code";
        o.UsePkce = true;
        o.SaveTokens = true; // the id_token is the hint for signing out at the provider
        o.GetClaimsFromUserInfoEndpoint = true;
        o.MapInboundClaims = false;
        o.Scope.Clear();
        foreach (var scope in (section["Scopes"] ?? "openid profile email").Split(' ', StringSplitOptions.RemoveEmptyEntries))
            o.Scope.Add(scope);
        var emailClaim = section["EmailClaim"] ?? "email";
        o.TokenValidationParameters.NameClaimType = emailClaim;
        if (emailClaim != "email") o.ClaimActions.MapJsonKey("email", emailClaim);
        o.RequireHttpsMetadata = section.GetValue("RequireHttpsMetadata", true);
        if (!o.RequireHttpsMetadata)
        {
            // A loopback provider over plain HTTP (tests): cookies cannot be Secure there.
            o.CorrelationCookie.SecurePolicy = o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.CorrelationCookie.SameSite = o.NonceCookie.SameSite = SameSiteMode.Lax;
        }
    }
}

/// <summary>The sign-in in use, for pages that differ by it (the development page, sign-out).</summary>
public sealed record SignInMode(SignInKind Kind)
{
    public bool IsRemote => Kind != SignInKind.Development;
}
