// A real OpenID provider for the SSO tests: oidc-provider (a certified implementation) with
// its development sign-in pages, on 127.0.0.1. The tests start it (tests/oidc/conftest.py)
// with its clients and people in the environment, and stop it when they are done.
//   PORT     the port to listen on
//   CLIENTS  JSON: [{client_id, client_secret, redirect_uris}]
//   PEOPLE   JSON: {login: {email, email_verified, name}}
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const people = JSON.parse(process.env.PEOPLE);
const clients = JSON.parse(process.env.CLIENTS).map((client) => ({
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  ...client,
}));

const provider = new Provider(issuer, {
  clients,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  async findAccount(ctx, id) {
    const person = people[id];
    if (!person) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...person }; } };
  },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['a-test-only-key'] },
});
provider.proxy = false;
// The development pages warn on every start; the tests read no console.
provider.on('server_error', (ctx, error) => console.error('server_error', error));

provider.listen(port, '127.0.0.1', () => {
  console.log(`listening ${issuer}`);
});
