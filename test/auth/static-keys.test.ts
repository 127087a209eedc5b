import { staticKeyAuthorizer, withStaticKeys } from '../../lib/auth/static-keys';
import type { AuthRequest } from '../../lib/auth';
import { resolveOptions } from '../../lib/options';

function req(overrides: Partial<AuthRequest> = {}): AuthRequest {
  return {
    action: 'publish',
    app: 'live',
    name: 'cam',
    query: {},
    protocol: 'rtmp',
    tcUrl: 'rtmp://127.0.0.1/live',
    ip: '127.0.0.1',
    port: 50000,
    tls: false,
    sessionId: 1,
    ...overrides,
  };
}

describe('staticKeyAuthorizer', () => {
  it('maps a secret key used as the stream name to its public name', () => {
    const auth = staticKeyAuthorizer({ 'sk-123': 'alice', 'sk-456': 'bob' });
    expect(auth(req({ name: 'sk-456' }))).toEqual({ allow: true, name: 'bob' });
    expect(auth(req({ name: 'sk-999' }))).toEqual({ allow: false, reason: 'unknown stream key' });
    expect(auth(req({ name: 'sk-12' }))).toEqual({ allow: false, reason: 'unknown stream key' });
  });

  it('checks the key query parameter against a list and keeps the name', () => {
    const auth = staticKeyAuthorizer(['k1', 'k2']);
    expect(auth(req({ query: { key: 'k2' } }))).toEqual({ allow: true });
    expect(auth(req({ query: { key: 'k3' } }))).toEqual({ allow: false, reason: 'unknown stream key' });
    expect(auth(req())).toEqual({ allow: false, reason: 'a stream key is required (?key=...)' });
  });

  it('does not check players', () => {
    expect(staticKeyAuthorizer(['k1'])(req({ action: 'play' }))).toEqual({ allow: true });
  });
});

describe('withStaticKeys', () => {
  it('asks the hook only when the key passed, with the public name', async () => {
    const seen: string[] = [];
    const auth = withStaticKeys({ secret: 'public' }, (r) => {
      seen.push(r.name);
      return { allow: true };
    });
    expect(await auth(req({ name: 'wrong' }))).toEqual({ allow: false, reason: 'unknown stream key' });
    expect(await auth(req({ name: 'secret' }))).toEqual({ allow: true, name: 'public' });
    expect(seen).toEqual(['public']);
  });

  it("lets the hook deny or rename", async () => {
    expect(await withStaticKeys(['k'], () => ({ allow: false, reason: 'banned user' }))(req({ query: { key: 'k' } }))).toEqual({
      allow: false,
      reason: 'banned user',
    });
    expect(await withStaticKeys({ s: 'a' }, () => ({ allow: true, name: 'b' }))(req({ name: 's' }))).toEqual({
      allow: true,
      name: 'b',
    });
  });
});

describe('auth.publishKeys option', () => {
  it('accepts a list or a map and rejects empty ones', () => {
    expect(resolveOptions({ auth: { publishKeys: ['a'] } }).auth.publishKeys).toEqual(['a']);
    expect(resolveOptions({ auth: { publishKeys: { s: 'cam' } } }).auth.publishKeys).toEqual({ s: 'cam' });
    expect(() => resolveOptions({ auth: { publishKeys: [] } })).toThrow(
      'auth.publishKeys: must be a non-empty list of keys or a { secretKey: publicName } map',
    );
  });
});
