/**
 * The compiled addon against its contract (types/native.d.ts): export names
 * and kinds, Engine methods, event/stats object shapes, version and ABI, and
 * the binding's own argument checks.
 */
import type {
  NativeAddon,
  NativeEngine,
  NativeEngineConfig,
  NativeEvent,
  NativeEventHeader,
  NativeEventKind,
  NativeEventOf,
  NativeStats,
} from '../types/native';
import { engineVersion } from '../lib';
import { EXPECTED_ABI, loadAddon } from '../lib/native';
import { toNativeConfig } from '../lib/native-config';
import { resolveOptions } from '../lib/options';
import { LIMIT_NAMES, noHandshakeFailures, noIpRefusals } from '../lib/snapshots';
import { describeWithAddon } from './helpers/addon';
import { RtmpTestClient } from './helpers/rtmp-test-client';
import { waitFor } from './helpers/wait';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const pkg = require('../package.json') as { version: string };

// Each list must name every key of its type: the `satisfies` checks catch a
// misspelled name, the Exhaustive types a forgotten one (tsc fails).
type Exhaustive<T, L extends readonly unknown[]> = Exclude<T, L[number]> extends never ? true : false;

const ADDON_EXPORTS = { version: 'function', abiVersion: 'number', Engine: 'function' } as const satisfies Record<
  keyof NativeAddon,
  string
>;
const ENGINE_METHODS = [
  'start',
  'boundPort',
  'boundTlsPort',
  'reloadTls',
  'beginShutdown',
  'stop',
  'kick',
  'bans',
  'unban',
  'answerAuth',
  'stats',
  'sessionCount',
  'ref',
  'unref',
  'setHlsFeed',
  'subscribePackets',
  'unsubscribePackets',
  'releasePackets',
  'packetSubscriptions',
  'subscribeFrames',
  'unsubscribeFrames',
  'releaseFrame',
  'frameSubscriptions',
  'frameDecoderCount',
  'snapshot',
  'cancelSnapshot',
] as const satisfies ReadonlyArray<keyof NativeEngine>;
const HEADER_KEYS = ['sessionId', 'ip', 'port', 'tls', 'app', 'stream', 'query'] as const satisfies ReadonlyArray<
  keyof NativeEventHeader
>;
const TOTALS_KEYS = ['bytesIn', 'bytesOut'] as const;
// Per kind, exactly the keys the binding sets on that kind's objects.
const EVENT_KEYS = {
  connect: ['kind', ...HEADER_KEYS, 'tcUrl', 'flashVer'],
  publish: ['kind', ...HEADER_KEYS, 'codec'],
  unpublish: ['kind', ...HEADER_KEYS, ...TOTALS_KEYS, 'reason'],
  play: ['kind', ...HEADER_KEYS, 'waiting'],
  playing: ['kind', ...HEADER_KEYS, 'waitedMs'],
  stop: ['kind', ...HEADER_KEYS, ...TOTALS_KEYS, 'reason'],
  disconnect: ['kind', ...HEADER_KEYS, ...TOTALS_KEYS, 'reason', 'code'],
  metadata: ['kind', ...HEADER_KEYS, 'codec'],
  error: ['kind', ...HEADER_KEYS, 'code', 'reason'],
  log: ['kind', 'level', 'component', 'message', 'sessionId', 'app', 'stream', 'ip', 'port'],
  authorize: ['kind', ...HEADER_KEYS, 'action', 'requestId', 'tcUrl', 'flashVer', 'swfUrl', 'pageUrl'],
} as const satisfies { [K in NativeEventKind]: ReadonlyArray<keyof NativeEventOf<K>> };
type EveryKindExhaustive = {
  [K in NativeEventKind]: Exhaustive<keyof NativeEventOf<K>, (typeof EVENT_KEYS)[K]>;
}[NativeEventKind] extends true
  ? true
  : false;
const STATS_KEYS = ['sessions', 'streams', 'acceptedTotal', 'ioThreads', 'limitRefusals', 'handshakeFailures', 'ipRefusals', 'loops'] as const satisfies ReadonlyArray<
  keyof NativeStats
>;
const exhaustive: [
  Exhaustive<keyof NativeEngine, typeof ENGINE_METHODS>,
  EveryKindExhaustive,
  Exhaustive<keyof NativeStats, typeof STATS_KEYS>,
] = [true, true, true];

function config(overrides: Partial<NativeEngineConfig> = {}): NativeEngineConfig {
  return {
    ...toNativeConfig(resolveOptions({ rtmp: { host: '127.0.0.1', port: 0, ioThreads: 1 }, logLevel: 'silent' })),
    ...overrides,
  };
}

describeWithAddon('native addon contract', () => {
  const addon = (): NativeAddon => loadAddon();

  it('checks every contract list is complete', () => {
    expect(exhaustive).toEqual([true, true, true]);
  });

  it('exports exactly the contract, with the right kinds', () => {
    const a = addon() as unknown as Record<string, unknown>;
    expect(Object.keys(a).sort()).toEqual(Object.keys(ADDON_EXPORTS).sort());
    for (const [name, kind] of Object.entries(ADDON_EXPORTS)) expect(typeof a[name]).toBe(kind);
  });

  it('reports the package version and the ABI the SDK expects', () => {
    expect(engineVersion()).toBe(pkg.version);
    expect(addon().abiVersion).toBe(EXPECTED_ABI);
  });

  it('gives Engine exactly the contract methods', () => {
    const proto = addon().Engine.prototype as unknown as Record<string, unknown>;
    const own = Object.getOwnPropertyNames(proto).filter((n) => n !== 'constructor');
    expect(own.sort()).toEqual([...ENGINE_METHODS].sort());
    for (const m of ENGINE_METHODS) expect(typeof proto[m]).toBe('function');
  });

  it('answers harmlessly before start()', () => {
    const engine = new (addon().Engine)(config(), () => undefined);
    expect(engine.boundPort()).toBe(0);
    expect(engine.sessionCount()).toBe(0);
    expect(engine.kick(1, 'x')).toBe(false);
    expect(engine.bans()).toEqual([]);
    expect(engine.unban('127.0.0.1')).toBe(false);
    expect(engine.stats()).toEqual({
      sessions: [],
      streams: [],
      acceptedTotal: 0,
      ioThreads: 0,
      limitRefusals: Object.fromEntries(LIMIT_NAMES.map((n) => [n, 0])),
      handshakeFailures: noHandshakeFailures(),
      ipRefusals: noIpRefusals(),
      loops: [],
    });
    expect(engine.stop()).toEqual([]);
    engine.beginShutdown();
  });

  it('returns the stats shape while running', () => {
    const engine = new (addon().Engine)(config(), () => undefined);
    engine.start();
    try {
      const stats = engine.stats();
      expect(Object.keys(stats).sort()).toEqual([...STATS_KEYS].sort());
      expect(stats.ioThreads).toBe(1);
      expect(engine.boundPort()).toBeGreaterThan(0);
    } finally {
      engine.stop();
    }
    expect(engine.stop()).toEqual([]); // idempotent
  });

  it('refuses start() after stop()', () => {
    const engine = new (addon().Engine)(config(), () => undefined);
    engine.start();
    engine.stop();
    expect(() => engine.start()).toThrow(expect.objectContaining({ code: 'ERR_RTMP_INVALID_ARGUMENT' }));
  });

  it('delivers each event kind with exactly its contract fields', async () => {
    const events: NativeEvent[] = [];
    // debug: the session's log lines come too, with their context.
    const engine = new (addon().Engine)(config({ logLevel: 20 }), (batch) => events.push(...batch));
    engine.start();
    const keysOf = (kind: NativeEventKind): string[] => {
      const e = events.find((x) => x.kind === kind);
      return Object.keys(e ?? {}).sort();
    };
    const client = await RtmpTestClient.connect(engine.boundPort(), 'live?x=1');
    try {
      await client.publish('cam');
      client.sendAacAudio();
      await waitFor('a publish event', () => events.some((e) => e.kind === 'publish'));
      const connect = events.find((e) => e.kind === 'connect');
      expect(connect).toMatchObject({ app: 'live', query: 'x=1', ip: '127.0.0.1' });
      for (const kind of ['connect', 'publish', 'log'] as const) expect(keysOf(kind)).toEqual([...EVENT_KEYS[kind]].sort());
      const started = events.find((e) => e.kind === 'log' && e.message.startsWith('publish started'));
      expect(started).toMatchObject({ component: 'session', sessionId: connect?.sessionId, app: 'live', stream: 'cam' });
      expect(started).toMatchObject({ ip: '127.0.0.1' });
    } finally {
      client.destroy();
      await waitFor('a disconnect event', () => events.some((e) => e.kind === 'disconnect'));
      events.push(...engine.stop());
    }
    for (const kind of ['unpublish', 'disconnect'] as const) expect(keysOf(kind)).toEqual([...EVENT_KEYS[kind]].sort());
  });

  describe('argument checks (SDK contract violations)', () => {
    const contractError = expect.objectContaining({ name: 'TypeError', code: 'ERR_RTMP_INVALID_ARGUMENT' });
    const Engine = (): NativeAddon['Engine'] => addon().Engine;

    it('needs new', () => {
      expect(() => (Engine() as unknown as (c: unknown, f: unknown) => unknown)(config(), () => undefined)).toThrow();
    });

    it('needs a config object', () => {
      expect(() => new (Engine())(null as unknown as NativeEngineConfig, () => undefined)).toThrow(contractError);
    });

    it('needs every config key', () => {
      const partial = { ...config() } as Partial<NativeEngineConfig>;
      delete partial.maxMessageSize;
      expect(() => new (Engine())(partial as NativeEngineConfig, () => undefined)).toThrow(
        expect.objectContaining({ code: 'ERR_RTMP_INVALID_ARGUMENT', message: expect.stringContaining('maxMessageSize') }),
      );
    });

    it('needs integers in range', () => {
      expect(() => new (Engine())(config({ port: 70000 }), () => undefined)).toThrow(contractError);
      expect(() => new (Engine())(config({ ioThreads: 1.5 }), () => undefined)).toThrow(contractError);
    });

    it('needs a known timestamp mode', () => {
      const bad = config({ timestampMode: 'fast' as NativeEngineConfig['timestampMode'] });
      expect(() => new (Engine())(bad, () => undefined)).toThrow(contractError);
    });

    it('needs an onEvents function', () => {
      expect(() => new (Engine())(config(), 42 as unknown as () => void)).toThrow(contractError);
    });

    it('needs kick(number, string)', () => {
      const engine = new (Engine())(config(), () => undefined);
      expect(() => engine.kick('1' as unknown as number, 'x')).toThrow(contractError);
      expect(() => engine.kick(1, 2 as unknown as string)).toThrow(contractError);
      expect(engine.kick(-1, 'x')).toBe(false);
    });
  });
});
