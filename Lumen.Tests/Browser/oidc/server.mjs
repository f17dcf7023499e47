// A real OpenID Connect provider on loopback for the portal's end-to-end sign-in tests (tests only).
// oidc-provider@9 with its development interactions: a login form that accepts any login and password, then a
// consent screen. The account's e-mail is the login typed (login@example.org when it has no '@').
//
//   node server.mjs --port 5999 --redirect-uri http://127.0.0.1:5000/signin-oidc \
//     --post-logout-redirect-uri http://127.0.0.1:5000/signout-callback-oidc [--client-secret S]
//
// Each option may also come from the environment: OIDC_PORT, OIDC_REDIRECT_URI, OIDC_POST_LOGOUT_REDIRECT_URI,
// OIDC_CLIENT_SECRET. Prints "oidc-provider ready at ISSUER" on stdout once it listens.
import { parseArgs } from 'node:util';
import Provider from 'oidc-provider';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.OIDC_PORT },
    'redirect-uri': { type: 'string', default: process.env.OIDC_REDIRECT_URI },
    'post-logout-redirect-uri': { type: 'string', default: process.env.OIDC_POST_LOGOUT_REDIRECT_URI },
    'client-secret': { type: 'string', default: process.env.OIDC_CLIENT_SECRET ?? 'lumen-portal-test-secret' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port <= 0 || !values['redirect-uri'] || !values['post-logout-redirect-uri']) {
  console.error('usage: node server.mjs --port PORT --redirect-uri URI --post-logout-redirect-uri URI [--client-secret S]');
  process.exit(2);
}

const issuer = `http://127.0.0.1:${port}`;

/** The e-mail of a login: itself when it looks like an address, else login@example.org. */
const emailOf = (login) => (login.includes('@') ? login : `${login}@example.org`).trim().toLowerCase();

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'lumen-portal',
    client_secret: values['client-secret'],
    client_name: 'Lumen Portal (tests)',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    redirect_uris: [values['redirect-uri']],
    post_logout_redirect_uris: [values['post-logout-redirect-uri']],
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // The login typed is the account: any login is accepted (the development interactions ask for no real password).
  async findAccount(ctx, sub) {
    const email = emailOf(sub);
    return {
      accountId: sub,
      async claims() {
        return { sub, email, email_verified: true, name: email.split('@')[0] };
      },
    };
  },
  // Explicit lifetimes (seconds), so the provider does not warn about its defaults on every sign-in.
  ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
});

// No stack traces for expected client errors in the test output; real failures still print.
provider.on('server_error', (ctx, err) => console.error('oidc-provider server_error:', err));

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider ready at ${issuer}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
