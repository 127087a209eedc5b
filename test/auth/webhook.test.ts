import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CIRCUIT_OPEN_REASON, webhookAuthorizer } from '../../lib/auth';
import type { AuthRequest, WebhookAuthorizerOptions } from '../../lib/auth';
import { RtmpEngineError } from '../../lib/errors';

/** One request as the endpoint saw it, plus the means to answer it later. */
interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  res: http.ServerResponse;
}

type Handler = (r: Received) => void;

const REQ: AuthRequest = {
  action: 'publish',
  protocol: 'rtmp',
  app: 'live',
  name: 'secret-key',
  query: { token: 'abc' },
  tcUrl: 'rtmp://127.0.0.1/live',
  flashVer: 'FMLE/3.0',
  ip: '10.0.0.5',
  port: 51234,
  tls: false,
  sessionId: 42,
};

const json = (status: number, value: unknown): Handler => (r) => {
  r.res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
};
const text = (status: number, body: string): Handler => (r) => {
  r.res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
};
/** Keeps the request open until the test (or teardown) ends it. */
const hold: Handler = () => {};

let server: http.Server;
let baseUrl: string;
let handler: Handler;
let received: Received[];
let arrivals: Array<(r: Received) => void>;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    // No keep-alive: a pooled socket closed by afterEach must not fail the next test's request.
    res.setHeader('connection', 'close');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        res,
      };
      received.push(r);
      arrivals.shift()?.(r);
      handler(r);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

beforeEach(() => {
  handler = json(200, { allow: true });
  received = [];
  arrivals = [];
});

afterEach(() => {
  // Ends held requests so no socket outlives its test.
  server.closeAllConnections();
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Resolves when the endpoint has received the next request. */
const nextArrival = (): Promise<Received> => new Promise((resolve) => arrivals.push(resolve));

/** A clock the test moves by hand. */
function fakeClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

const make = (opts: Partial<WebhookAuthorizerOptions> = {}) =>
  webhookAuthorizer({ url: `${baseUrl}/auth`, timeoutMs: 2000, ...opts });

describe('webhookAuthorizer: answers', () => {
  it('allows on {allow: true}', async () => {
    expect(await make()(REQ)).toEqual({ allow: true });
  });

  it('POSTs the request as JSON with the configured headers', async () => {
    await make({ headers: { authorization: 'Bearer t0k', 'Content-Type': 'text/plain' } })(REQ);
    expect(received).toHaveLength(1);
    const [r] = received;
    expect(r?.method).toBe('POST');
    expect(r?.url).toBe('/auth');
    expect(r?.headers['content-type']).toBe('application/json');
    expect(r?.headers.authorization).toBe('Bearer t0k');
    expect(JSON.parse(r?.body ?? '')).toEqual(REQ);
  });

  it('renames on {allow: true, name}', async () => {
    handler = json(200, { allow: true, name: 'cam1' });
    expect(await make()(REQ)).toEqual({ allow: true, name: 'cam1' });
  });

  it('denies with the endpoint reason on {allow: false, reason}', async () => {
    handler = json(200, { allow: false, reason: 'key revoked' });
    expect(await make()(REQ)).toEqual({ allow: false, reason: 'key revoked' });
  });

  it('denies with a default reason on {allow: false}', async () => {
    handler = json(200, { allow: false });
    expect(await make()(REQ)).toEqual({ allow: false, reason: 'denied by auth webhook' });
  });

  it('denies a 2xx body that is not JSON', async () => {
    handler = text(200, 'OK');
    expect(await make()(REQ)).toMatchObject({ allow: false, reason: /not JSON/ });
  });

  it('denies a JSON answer without a boolean allow', async () => {
    handler = json(200, { allow: 'yes' });
    expect(await make()(REQ)).toMatchObject({ allow: false, reason: /"allow"/ });
  });

  it('denies an allow with a name that is not a non-empty string', async () => {
    handler = json(200, { allow: true, name: 7 });
    expect(await make()(REQ)).toMatchObject({ allow: false, reason: /"name"/ });
  });

  it('denies a 403 with the JSON reason', async () => {
    handler = json(403, { reason: 'not your stream' });
    expect(await make()(REQ)).toEqual({ allow: false, reason: 'not your stream' });
  });

  it('denies a 401 with a plain-text reason', async () => {
    handler = text(401, '  bad token\n');
    expect(await make()(REQ)).toEqual({ allow: false, reason: 'bad token' });
  });

  it('denies a 403 without a body with a default reason', async () => {
    handler = text(403, '');
    expect(await make()(REQ)).toEqual({ allow: false, reason: 'auth webhook denied (HTTP 403)' });
  });

  it('cuts a very long reason', async () => {
    handler = json(403, { reason: 'x'.repeat(5000) });
    const decision = await make()(REQ);
    expect(decision.allow).toBe(false);
    expect(decision.allow === false && decision.reason.length).toBeLessThanOrEqual(201);
  });

  it('denies a 500 naming the status', async () => {
    handler = text(500, 'boom');
    expect(await make()(REQ)).toEqual({ allow: false, reason: 'auth webhook failed: HTTP 500' });
  });

  it('does not follow a redirect', async () => {
    handler = (r) => {
      if (r.url === '/auth') r.res.writeHead(307, { location: '/elsewhere' }).end();
      else json(200, { allow: true })(r);
    };
    expect(await make()(REQ)).toEqual({ allow: false, reason: 'auth webhook failed: HTTP 307' });
    expect(received.map((r) => r.url)).toEqual(['/auth']);
  });

  it('denies when the endpoint does not answer in time', async () => {
    handler = hold;
    expect(await make({ timeoutMs: 100 })(REQ)).toEqual({
      allow: false,
      reason: 'auth webhook failed: timed out after 100 ms',
    });
  });

  it('denies on a network error, naming it', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const decision = await webhookAuthorizer({ url: `http://127.0.0.1:${port}/` })(REQ);
    expect(decision).toEqual({ allow: false, reason: 'auth webhook failed: ECONNREFUSED' });
  });

  it('never rejects when fetch itself throws', async () => {
    const fetchImpl = (async () => {
      throw new TypeError('no network here');
    }) as unknown as typeof fetch;
    expect(await make({ fetchImpl })(REQ)).toEqual({ allow: false, reason: 'auth webhook failed: no network here' });
  });
});

describe('webhookAuthorizer: circuit breaker', () => {
  it('starts closed', () => {
    expect(make().breakerState()).toBe('closed');
  });

  it('opens after failureThreshold consecutive failures', async () => {
    handler = text(500, '');
    const authorize = make({ breaker: { failureThreshold: 2 } });
    await authorize(REQ);
    expect(authorize.breakerState()).toBe('closed');
    await authorize(REQ);
    expect(authorize.breakerState()).toBe('open');
  });

  it('counts timeouts as failures', async () => {
    handler = hold;
    const authorize = make({ timeoutMs: 100, breaker: { failureThreshold: 1 } });
    await authorize(REQ);
    expect(authorize.breakerState()).toBe('open');
  });

  it('does not count denials (401/403, allow: false, bad JSON) as failures', async () => {
    const authorize = make({ breaker: { failureThreshold: 1 } });
    for (const h of [json(403, {}), text(401, 'no'), json(200, { allow: false }), text(200, '<html>')]) {
      handler = h;
      await authorize(REQ);
    }
    expect(authorize.breakerState()).toBe('closed');
  });

  it('resets the count on a success in between', async () => {
    const authorize = make({ breaker: { failureThreshold: 2 } });
    handler = text(500, '');
    await authorize(REQ);
    handler = json(200, { allow: true });
    await authorize(REQ);
    handler = text(500, '');
    await authorize(REQ);
    expect(authorize.breakerState()).toBe('closed');
  });

  it('answers immediately while open, without calling the endpoint', async () => {
    handler = text(503, '');
    const authorize = make({ breaker: { failureThreshold: 1 } });
    await authorize(REQ);
    expect(received).toHaveLength(1);
    handler = json(200, { allow: true });
    expect(await authorize(REQ)).toEqual({ allow: false, reason: CIRCUIT_OPEN_REASON });
    expect(received).toHaveLength(1);
  });

  it("allows while open when onBreakerOpen is 'allow'", async () => {
    handler = text(500, '');
    const authorize = make({ breaker: { failureThreshold: 1 }, onBreakerOpen: 'allow' });
    await authorize(REQ);
    expect(await authorize(REQ)).toEqual({ allow: true });
    expect(received).toHaveLength(1);
  });

  it('goes half-open after resetAfterMs and closes on a successful trial', async () => {
    const clock = fakeClock();
    handler = text(500, '');
    const authorize = make({ now: clock.now, breaker: { failureThreshold: 1, resetAfterMs: 10_000 } });
    await authorize(REQ);
    clock.advance(9_999);
    expect(authorize.breakerState()).toBe('open');
    clock.advance(1);
    expect(authorize.breakerState()).toBe('half-open');

    handler = json(200, { allow: true, name: 'cam1' });
    expect(await authorize(REQ)).toEqual({ allow: true, name: 'cam1' });
    expect(authorize.breakerState()).toBe('closed');
    expect(received).toHaveLength(2);
  });

  it('reopens for another resetAfterMs when the trial fails', async () => {
    const clock = fakeClock();
    handler = text(500, '');
    const authorize = make({ now: clock.now, breaker: { failureThreshold: 1, resetAfterMs: 10_000 } });
    await authorize(REQ);
    clock.advance(10_000);
    expect(await authorize(REQ)).toEqual({ allow: false, reason: 'auth webhook failed: HTTP 500' });
    expect(authorize.breakerState()).toBe('open');
    clock.advance(9_999);
    expect(await authorize(REQ)).toEqual({ allow: false, reason: CIRCUIT_OPEN_REASON });
    expect(received).toHaveLength(2);
    clock.advance(1);
    expect(authorize.breakerState()).toBe('half-open');
  });

  it('lets only one trial through while half-open', async () => {
    const clock = fakeClock();
    handler = text(500, '');
    const authorize = make({ now: clock.now, breaker: { failureThreshold: 1, resetAfterMs: 1_000 } });
    await authorize(REQ);
    clock.advance(1_000);

    handler = hold;
    const arrived = nextArrival();
    const trial = authorize(REQ);
    const held = await arrived;
    expect(await authorize(REQ)).toEqual({ allow: false, reason: CIRCUIT_OPEN_REASON });
    expect(authorize.breakerState()).toBe('half-open');

    json(200, { allow: true })(held);
    expect(await trial).toEqual({ allow: true });
    expect(authorize.breakerState()).toBe('closed');
    expect(received).toHaveLength(2);
  });

  it('ignores a late answer to a request sent before the circuit opened', async () => {
    const clock = fakeClock();
    const authorize = make({ now: clock.now, breaker: { failureThreshold: 1, resetAfterMs: 1_000 } });
    handler = hold;
    const arrived = nextArrival();
    const early = authorize(REQ);
    const held = await arrived;

    handler = text(500, '');
    await authorize(REQ);
    expect(authorize.breakerState()).toBe('open');

    json(200, { allow: true })(held);
    expect(await early).toEqual({ allow: true });
    expect(authorize.breakerState()).toBe('open');
  });
});

describe('webhookAuthorizer: options', () => {
  it.each<[string, Partial<WebhookAuthorizerOptions>]>([
    ['a url that is not a URL', { url: 'not a url' }],
    ['a url that is not http(s)', { url: 'ftp://127.0.0.1/' }],
    ['timeoutMs 0', { timeoutMs: 0 }],
    ['failureThreshold 0', { breaker: { failureThreshold: 0 } }],
    ['failureThreshold 1.5', { breaker: { failureThreshold: 1.5 } }],
    ['resetAfterMs -1', { breaker: { resetAfterMs: -1 } }],
    ['an unknown onBreakerOpen', { onBreakerOpen: 'maybe' as 'allow' }],
  ])('rejects %s', (_label, opts) => {
    expect(() => make(opts)).toThrow(RtmpEngineError);
    expect(() => make(opts)).toThrow(expect.objectContaining({ code: 'ERR_RTMP_INVALID_OPTIONS' }));
  });
});
