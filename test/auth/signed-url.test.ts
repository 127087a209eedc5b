import { createHmac } from 'node:crypto';
import { signStreamUrl, signedUrlAuthorizer, verifySignedRequest } from '../../lib/auth';
import type { AuthAction, AuthRequest } from '../../lib/auth';
import { RtmpEngineError } from '../../lib/errors';
import { parseQuery } from '../../lib/query';

const SECRET = 'test-secret';
const NOW_S = 1_700_000_000;
const now = (): number => NOW_S * 1000;
const EXP = NOW_S + 60;

/** What the engine would hand the hook for "app/name?query" (app = first segment). */
function requestFor(url: string, action: AuthAction = 'publish'): AuthRequest {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const slash = path.indexOf('/');
  return {
    action,
    app: path.slice(0, slash),
    name: path.slice(slash + 1),
    query: parseQuery(q === -1 ? '' : url.slice(q + 1)),
    protocol: 'rtmp',
    tcUrl: `rtmp://127.0.0.1/${path.slice(0, slash)}`,
    ip: '127.0.0.1',
    port: 50000,
    tls: false,
    sessionId: 1,
  };
}

const verify = (req: AuthRequest, secret: string | Buffer | Array<string | Buffer> = SECRET) =>
  verifySignedRequest(req, { secret, now });

describe('signStreamUrl', () => {
  it('appends exp and a 43-character base64url sig', () => {
    const url = signStreamUrl('live/cam1', { secret: SECRET, expiresAt: EXP });
    expect(url).toMatch(new RegExp(`^live/cam1\\?exp=${EXP}&sig=[A-Za-z0-9_-]{43}$`));
  });

  it('signs the documented canonical string', () => {
    const url = signStreamUrl('live/cam1', { secret: SECRET, expiresAt: EXP, action: 'play', params: { u: 'a b' } });
    const canonical = `rtmp-engine-signed-url-v1\nplay\nlive/cam1\n${EXP}\nu=a%20b`;
    const expected = createHmac('sha256', SECRET).update(canonical).digest('base64url');
    expect(parseQuery(url.slice(url.indexOf('?') + 1)).sig).toBe(expected);
  });

  it('takes a Date and writes whole seconds', () => {
    const url = signStreamUrl('live/cam1', { secret: SECRET, expiresAt: new Date(EXP * 1000 + 999) });
    expect(parseQuery(url.slice(url.indexOf('?') + 1)).exp).toBe(String(EXP));
  });

  it('appends with & when the path already has a query', () => {
    const url = signStreamUrl('live/cam1?user=bob', { secret: SECRET, expiresAt: EXP });
    expect(url).toMatch(/^live\/cam1\?user=bob&exp=\d+&sig=/);
  });

  it('does not double the separator after a trailing ? or &', () => {
    expect(signStreamUrl('live/cam1?', { secret: SECRET, expiresAt: EXP })).toMatch(/^live\/cam1\?exp=/);
    expect(signStreamUrl('live/cam1?a=1&', { secret: SECRET, expiresAt: EXP })).toMatch(/^live\/cam1\?a=1&exp=/);
  });

  it('signs a whole rtmp:// URL as its app/name', () => {
    const url = signStreamUrl('rtmp://example.com:1935/live/cam1', { secret: SECRET, expiresAt: EXP });
    expect(url.startsWith('rtmp://example.com:1935/live/cam1?exp=')).toBe(true);
    expect(verify(requestFor(url.slice('rtmp://example.com:1935/'.length)))).toEqual({ allow: true });
  });

  it.each([
    ['a negative number', -1],
    ['a fraction', EXP + 0.5],
    ['NaN', Number.NaN],
    ['milliseconds', EXP * 1000],
    ['an invalid Date', new Date('nope')],
  ])('rejects expiresAt as %s', (_label, expiresAt) => {
    expect(() => signStreamUrl('live/cam1', { secret: SECRET, expiresAt })).toThrow(RtmpEngineError);
  });

  it('rejects an empty secret', () => {
    expect(() => signStreamUrl('live/cam1', { secret: '', expiresAt: EXP })).toThrow(/non-empty/);
    expect(() => signStreamUrl('live/cam1', { secret: Buffer.alloc(0), expiresAt: EXP })).toThrow(/non-empty/);
  });

  it('rejects params named exp or sig', () => {
    expect(() => signStreamUrl('live/cam1', { secret: SECRET, expiresAt: EXP, params: { exp: '1' } })).toThrow(
      /reserved/,
    );
    expect(() => signStreamUrl('live/cam1?sig=x', { secret: SECRET, expiresAt: EXP })).toThrow(/reserved/);
  });

  it('rejects a param that is already in the path query', () => {
    expect(() => signStreamUrl('live/cam1?u=1', { secret: SECRET, expiresAt: EXP, params: { u: '2' } })).toThrow(
      /already/,
    );
  });

  it('rejects an empty param name', () => {
    expect(() => signStreamUrl('live/cam1', { secret: SECRET, expiresAt: EXP, params: { '': 'x' } })).toThrow(
      /empty/,
    );
  });

  it('throws with code ERR_RTMP_INVALID_ARGUMENT', () => {
    expect(() => signStreamUrl('live/cam1', { secret: '', expiresAt: EXP })).toThrow(
      expect.objectContaining({ code: 'ERR_RTMP_INVALID_ARGUMENT' }),
    );
  });
});

describe('verifySignedRequest', () => {
  const signed = (opts: Partial<Parameters<typeof signStreamUrl>[1]> = {}, path = 'live/cam1'): string =>
    signStreamUrl(path, { secret: SECRET, expiresAt: EXP, ...opts });

  it('accepts a freshly signed URL (round trip)', () => {
    expect(verify(requestFor(signed()))).toEqual({ allow: true });
  });

  it('accepts a URL that had a query before signing', () => {
    expect(verify(requestFor(signed({}, 'live/cam1?user=bob')))).toEqual({ allow: true });
  });

  it('accepts parameters split between the tcUrl and the stream name', () => {
    const req = requestFor(signed({ params: { room: '7' } }));
    // The engine merges the app's query into req.query the same way.
    expect(verify({ ...req, query: { room: '7', ...req.query } })).toEqual({ allow: true });
  });

  it('denies a tampered stream name', () => {
    expect(verify({ ...requestFor(signed()), name: 'cam2' })).toEqual({
      allow: false,
      reason: 'signed URL: bad signature',
    });
  });

  it('denies a tampered app', () => {
    expect(verify({ ...requestFor(signed()), app: 'other' })).toMatchObject({ allow: false, reason: /bad signature/ });
  });

  it('denies a tampered exp', () => {
    const req = requestFor(signed());
    expect(verify({ ...req, query: { ...req.query, exp: String(EXP + 3600) } })).toMatchObject({
      allow: false,
      reason: /bad signature/,
    });
  });

  it('denies a tampered sig of the same length', () => {
    const req = requestFor(signed());
    const sig = req.query.sig ?? '';
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    expect(verify({ ...req, query: { ...req.query, sig: flipped } })).toMatchObject({ reason: /bad signature/ });
  });

  it('denies a truncated sig', () => {
    const req = requestFor(signed());
    expect(verify({ ...req, query: { ...req.query, sig: (req.query.sig ?? '').slice(0, 20) } })).toMatchObject({
      reason: /bad signature/,
    });
  });

  it('denies a URL signed with another secret', () => {
    expect(verify(requestFor(signed({ secret: 'other' })))).toMatchObject({ reason: /bad signature/ });
  });

  it('denies an expired URL', () => {
    const url = signed({ expiresAt: NOW_S - 120 });
    expect(verify(requestFor(url))).toEqual({ allow: false, reason: 'signed URL: expired' });
  });

  it('accepts a URL expired by less than the default 30 s skew', () => {
    expect(verify(requestFor(signed({ expiresAt: NOW_S - 30 })))).toEqual({ allow: true });
    expect(verify(requestFor(signed({ expiresAt: NOW_S - 31 })))).toMatchObject({ reason: /expired/ });
  });

  it('honours clockSkewS', () => {
    const req = requestFor(signed({ expiresAt: NOW_S - 100 }));
    expect(verifySignedRequest(req, { secret: SECRET, now, clockSkewS: 100 })).toEqual({ allow: true });
    expect(verifySignedRequest(req, { secret: SECRET, now, clockSkewS: 0 })).toMatchObject({ reason: /expired/ });
  });

  it('reports a bad signature rather than expiry for a forged, stale URL', () => {
    expect(verify(requestFor(signed({ secret: 'other', expiresAt: NOW_S - 999 })))).toMatchObject({
      reason: /bad signature/,
    });
  });

  it('accepts any secret of a rotation list, as string or Buffer', () => {
    const oldUrl = signed({ secret: 'old' });
    const newUrl = signed({ secret: Buffer.from('new') });
    expect(verify(requestFor(oldUrl), ['new', 'old'])).toEqual({ allow: true });
    expect(verify(requestFor(newUrl), [Buffer.from('new'), 'old'])).toEqual({ allow: true });
    expect(verify(requestFor(oldUrl), ['new'])).toMatchObject({ reason: /bad signature/ });
  });

  it('signs the extra params', () => {
    const req = requestFor(signed({ params: { role: 'viewer' } }));
    expect(req.query.role).toBe('viewer');
    expect(verify(req)).toEqual({ allow: true });
    expect(verify({ ...req, query: { ...req.query, role: 'admin' } })).toMatchObject({ reason: /bad signature/ });
  });

  it('denies a parameter added after signing', () => {
    const req = requestFor(signed());
    expect(verify({ ...req, query: { ...req.query, role: 'admin' } })).toMatchObject({ reason: /bad signature/ });
  });

  it('round-trips params with reserved characters and non-ASCII', () => {
    const params = { 'a&b': 'x=y+z', note: "it's (café) *", empty: '' };
    const req = requestFor(signed({ params }));
    expect(req.query).toMatchObject(params);
    expect(verify(req)).toEqual({ allow: true });
  });

  it('binds a URL to its action', () => {
    const url = signed({ action: 'publish' });
    expect(verify(requestFor(url, 'publish'))).toEqual({ allow: true });
    expect(verify(requestFor(url, 'play'))).toMatchObject({ reason: /bad signature/ });
  });

  it('lets a URL without an action do both', () => {
    const url = signed();
    expect(verify(requestFor(url, 'publish'))).toEqual({ allow: true });
    expect(verify(requestFor(url, 'play'))).toEqual({ allow: true });
  });

  it('denies a missing sig', () => {
    expect(verify(requestFor(`live/cam1?exp=${EXP}`))).toEqual({
      allow: false,
      reason: 'signed URL: missing signature (sig)',
    });
    expect(verify(requestFor(`live/cam1?exp=${EXP}&sig=`))).toMatchObject({ reason: /missing signature/ });
  });

  it('denies a missing exp', () => {
    expect(verify(requestFor('live/cam1?sig=abc'))).toEqual({ allow: false, reason: 'signed URL: missing expiry (exp)' });
  });

  it.each(['soon', '-5', '1.5', '1e9', ' 1700000000', '123456789012'])('denies a malformed exp %p', (exp) => {
    const req = requestFor(signed());
    expect(verify({ ...req, query: { ...req.query, exp } })).toEqual({
      allow: false,
      reason: 'signed URL: malformed expiry (exp)',
    });
  });

  it('throws on an empty secret list', () => {
    expect(() => verify(requestFor(signed()), [])).toThrow(/empty/);
  });
});

describe('signedUrlAuthorizer', () => {
  it('allows a signed request and denies an unsigned one', async () => {
    const authorize = signedUrlAuthorizer({ secret: SECRET, now });
    const url = signStreamUrl('live/cam1', { secret: SECRET, expiresAt: EXP });
    expect(await authorize(requestFor(url))).toEqual({ allow: true });
    expect(await authorize(requestFor('live/cam1'))).toMatchObject({ allow: false, reason: /missing signature/ });
  });

  it('rejects bad options up front', () => {
    expect(() => signedUrlAuthorizer({ secret: '' })).toThrow(RtmpEngineError);
    expect(() => signedUrlAuthorizer({ secret: SECRET, clockSkewS: -1 })).toThrow(/clockSkewS/);
  });
});
