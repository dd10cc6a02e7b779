// A real OpenID provider (oidc-provider, OpenID-certified) for tests/test_sso_oidc.py.
// node provider.mjs <config.json>: the test writes the issuer, port, client, signing key (a private JWK,
// so that the test can also sign tokens the provider's JWKS vouches for) and accounts (id -> claims).
// Sign-in goes through the library's development interactions: any password, the login names an account.
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));

const provider = new Provider(config.issuer, {
  clients: [{
    ...config.client,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [config.jwk] },
  scopes: ['openid', 'profile', 'email', 'teritoriu'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email'],
    teritoriu: ['roles', 'uats'],
  },
  async findAccount(ctx, id) {
    const claims = config.accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  cookies: { keys: ['teritoriu-test-cookie-key'] },
});
// development interactions warn on stderr; the test reads stdout for "ready"
provider.listen(config.port, '127.0.0.1', () => { console.log('ready'); });
