import { ErrorCodes, RtmpEngineError } from '../lib/errors';
import { toNativeConfig } from '../lib/native-config';
import { resolveOptions } from '../lib/options';

function invalid(options: unknown): RtmpEngineError {
  try {
    resolveOptions(options);
  } catch (err) {
    expect(err).toBeInstanceOf(RtmpEngineError);
    expect((err as RtmpEngineError).code).toBe(ErrorCodes.INVALID_OPTIONS);
    return err as RtmpEngineError;
  }
  throw new Error('expected the options to be rejected');
}

describe('options: defaults', () => {
  it('fills every default for an empty object', () => {
    const o = resolveOptions({});
    expect(o.rtmp).toEqual({
      host: '0.0.0.0',
      port: 1935,
      ioThreads: 0,
      chunkSize: 4096,
      maxMessageSize: 16 * 1024 * 1024,
      maxPartialMessageBytes: 256 * 1024 * 1024,
      handshakeTimeoutMs: 10_000,
      idleTimeoutMs: 30_000,
      connectTimeoutMs: 10_000,
      playPublishTimeoutMs: 30_000,
      writeTimeoutMs: 30_000,
      windowAckSize: 2_500_000,
      peerBandwidth: 2_500_000,
      maxPendingOutputBytes: 1024 * 1024,
    });
    expect(o.streams).toEqual({
      gopCache: { maxMs: 10_000, maxBytes: 16 * 1024 * 1024, maxFrames: 1000 },
      waitForPublisher: true,
      playWaitMs: 30_000,
      timestampMode: 'rebase',
      maxMetadataBytes: 64 * 1024,
    });
    expect(o.players).toEqual({
      queueMs: 5000,
      lowLatency: false,
      queueMaxBytes: 32 * 1024 * 1024,
      mergeWritesMs: 0,
    });
    expect(o.limits).toEqual({
      maxConnections: 1000,
      maxConnectionsPerIp: 0,
      maxPublishers: 10,
      maxPlayersPerStream: 0,
      maxIngestKbps: 0,
      ingestOverLimit: 'warn',
      maxPendingConnections: 256,
      maxPendingPerIp: 16,
    });
    expect(o.access).toEqual({ rules: [], default: 'allow' });
    expect(o.auth).toEqual({
      timeoutMs: 5000,
      onTimeout: 'deny',
      onError: 'deny',
      maxFailures: 5,
      failureWindowMs: 60_000,
      banMs: 600_000,
      exemptCidrs: ['127.0.0.0/8', '::1'],
    });
    expect(o.http).toEqual({ port: 8000, host: '0.0.0.0', corsOrigins: '*', blockingTimeoutMs: 0 });
    expect(o.rtmps).toBe(false);
    expect(o.logLevel).toBe('info');
    expect(o.logger).toBeUndefined();
  });

  it('treats undefined like an empty object', () => {
    expect(resolveOptions(undefined).rtmp.port).toBe(1935);
  });

  it('keeps given values next to defaults', () => {
    const o = resolveOptions({ rtmp: { port: 0, host: '127.0.0.1' } });
    expect(o.rtmp.port).toBe(0);
    expect(o.rtmp.host).toBe('127.0.0.1');
    expect(o.rtmp.chunkSize).toBe(4096);
  });

  it('reads "localhost" as 127.0.0.1', () => {
    expect(resolveOptions({ rtmp: { host: 'localhost' } }).rtmp.host).toBe('127.0.0.1');
  });

  it('accepts an IPv6 host', () => {
    expect(resolveOptions({ rtmp: { host: '::' } }).rtmp.host).toBe('::');
  });

  it('lowLatency sets queueMs to 500', () => {
    expect(resolveOptions({ players: { lowLatency: true } }).players.queueMs).toBe(500);
  });

  it('an explicit queueMs wins over lowLatency', () => {
    expect(resolveOptions({ players: { lowLatency: true, queueMs: 800 } }).players.queueMs).toBe(800);
  });

  it('gopCache: false turns the cache off', () => {
    expect(resolveOptions({ streams: { gopCache: false } }).streams.gopCache).toBe(false);
  });

  it('gopCache object merges with the defaults', () => {
    expect(resolveOptions({ streams: { gopCache: { maxMs: 2000 } } }).streams.gopCache).toEqual({
      maxMs: 2000,
      maxBytes: 16 * 1024 * 1024,
      maxFrames: 1000,
    });
  });

  it('http: {} takes the HTTP defaults', () => {
    expect(resolveOptions({ http: {} }).http).toEqual({ port: 8000, host: '0.0.0.0', corsOrigins: '*', blockingTimeoutMs: 0 });
  });

  it('http: false turns HTTP off; origins are checked', () => {
    expect(resolveOptions({ http: false }).http).toBe(false);
    const o = resolveOptions({ http: { corsOrigins: ['https://example.com'] } });
    expect(o.http && o.http.corsOrigins).toEqual(['https://example.com']);
    expect(invalid({ http: { corsOrigins: ['example.com'] } }).message).toContain('http.corsOrigins');
  });

  it('takes the log level from a given pino-like logger', () => {
    const logger = { level: 'debug', info() {}, warn() {}, error() {} };
    const o = resolveOptions({ logger });
    expect(o.logLevel).toBe('debug');
    expect(o.logger).toBe(logger);
  });

  it('an explicit logLevel wins over the logger level', () => {
    const logger = { level: 'debug', info() {}, warn() {}, error() {} };
    expect(resolveOptions({ logger, logLevel: 'warn' }).logLevel).toBe('warn');
  });
});

describe('options: freezing', () => {
  it('freezes the result deeply', () => {
    const o = resolveOptions({ streams: { gopCache: { maxMs: 2000 } }, http: {} });
    expect(Object.isFrozen(o)).toBe(true);
    expect(Object.isFrozen(o.rtmp)).toBe(true);
    expect(Object.isFrozen(o.streams.gopCache)).toBe(true);
    expect(Object.isFrozen(o.http)).toBe(true);
    expect(() => {
      (o.rtmp as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('does not freeze the caller input or logger', () => {
    const input = { rtmp: { port: 1 } };
    const logger = { info() {}, warn() {}, error() {} };
    resolveOptions({ ...input, logger });
    expect(Object.isFrozen(input.rtmp)).toBe(false);
    expect(Object.isFrozen(logger)).toBe(false);
  });
});

describe('options: errors', () => {
  it('rejects a misspelled key with a hint', () => {
    expect(invalid({ rtmp: { prot: 1935 } }).message).toContain(
      'rtmp.prot: unknown option; did you mean "rtmp.port"?',
    );
  });

  it('points a top-level key to where it belongs', () => {
    expect(invalid({ port: 1935 }).message).toContain('port: unknown option; did you mean "rtmp.port"?');
  });

  it('hints inside the gopCache object', () => {
    expect(invalid({ streams: { gopCache: { maxMS: 100 } } }).message).toContain(
      'streams.gopCache.maxMS: unknown option; did you mean "streams.gopCache.maxMs"?',
    );
  });

  it('gives no hint for a key far from any option', () => {
    const message = invalid({ rtmp: { zzzzzzzz: 1 } }).message;
    expect(message).toContain('rtmp.zzzzzzzz: unknown option');
    expect(message).not.toContain('did you mean');
  });

  it.each([70000, -1, 1.5, '1935', null])('says a bad port (%p) is a bad port', (port) => {
    const message = invalid({ rtmp: { port } }).message;
    expect(message).toContain('rtmp.port: must be a port number: an integer in 0..65535');
    expect(message).toContain(`(got ${JSON.stringify(port)})`);
  });

  it('bounds the output budget and the metadata cap (issue 10)', () => {
    expect(invalid({ rtmp: { maxPendingOutputBytes: 1000 } }).message).toContain(
      'rtmp.maxPendingOutputBytes: must be an integer in 65536..1073741824',
    );
    expect(invalid({ streams: { maxMetadataBytes: 0 } }).message).toContain(
      'streams.maxMetadataBytes: must be an integer in 1024..16777216',
    );
    const config = toNativeConfig(resolveOptions({ rtmp: { maxPendingOutputBytes: 65536 }, streams: { maxMetadataBytes: 2048 } }));
    expect(config.maxPendingOutputBytes).toBe(65536);
    expect(config.maxMetadataBytes).toBe(2048);
  });

  it('rejects a host name that would need resolving', () => {
    expect(invalid({ rtmp: { host: 'example.com' } }).message).toContain('rtmp.host: must be an IPv4 or IPv6 address');
  });

  it('fills an IP rule\'s step and app', () => {
    expect(resolveOptions({ access: { rules: [{ policy: 'deny', cidr: '10.0.0.0/8' }] } }).access.rules).toEqual([
      { policy: 'deny', cidr: '10.0.0.0/8', on: '*', app: '*' },
    ]);
  });

  it.each(['10.0.0.0/33', '2001:db8::/129', 'example.com', '10.0.0.0/', '10.0.0.0/8/1', '::1/-1'])(
    'rejects the IP rule block %p',
    (cidr) => {
      expect(invalid({ access: { rules: [{ policy: 'allow', cidr }] } }).message).toContain(
        'access.rules[0].cidr: must be an IPv4/IPv6 address or CIDR block like "10.0.0.0/8"',
      );
    },
  );

  it.each(['203.0.113.7', '10.0.0.0/8', '2001:db8::/32', '::ffff:10.0.0.1', '0.0.0.0/0'])('accepts the IP rule block %p', (cidr) => {
    expect(() => resolveOptions({ access: { rules: [{ policy: 'allow', cidr }] } })).not.toThrow();
  });

  it('rejects an unknown rule step and a negative limit', () => {
    const message = invalid({ access: { rules: [{ policy: 'deny', cidr: '::1', on: 'record' }] }, limits: { maxPublishers: -1 } }).message;
    expect(message).toContain('access.rules[0].on: must be "connect", "publish", "play" or "*"');
    expect(message).toContain('limits.maxPublishers: must be an integer in 0..1000000');
  });

  it('fills rtmps defaults and listens on the RTMP host unless told otherwise', () => {
    expect(resolveOptions({ rtmp: { host: '127.0.0.1' }, rtmps: { cert: 'c.pem', key: 'k.pem' } }).rtmps).toEqual({
      port: 1936,
      host: '127.0.0.1',
      cert: 'c.pem',
      key: 'k.pem',
      ciphers: '',
      cipherSuites: '',
    });
    expect(resolveOptions({ rtmps: { cert: 'c.pem', key: 'k.pem', host: '::1', port: 0 } }).rtmps).toMatchObject({
      host: '::1',
      port: 0,
    });
  });

  it('requires the rtmps certificate and key', () => {
    const message = invalid({ rtmps: { port: 1936 } }).message;
    expect(message).toContain('rtmps.cert');
    expect(message).toContain('rtmps.key');
  });

  it('maps rtmps to the engine config', () => {
    expect(toNativeConfig(resolveOptions({ rtmps: { cert: 'c.pem', key: 'k.pem', ciphers: 'ECDHE+AESGCM' } }))).toMatchObject({
      rtmps: true,
      rtmpsHost: '0.0.0.0',
      rtmpsPort: 1936,
      tlsCertFile: 'c.pem',
      tlsKeyFile: 'k.pem',
      tlsCiphers: 'ECDHE+AESGCM',
      tlsCipherSuites: '',
    });
    expect(toNativeConfig(resolveOptions({})).rtmps).toBe(false);
  });

  it('rejects an out-of-range chunk size', () => {
    expect(invalid({ rtmp: { chunkSize: 64 } }).message).toContain('rtmp.chunkSize: must be an integer in 128..65536');
  });

  it('explains gopCache of the wrong type', () => {
    expect(invalid({ streams: { gopCache: 'yes' } }).message).toContain(
      'streams.gopCache: must be true, false or { maxMs, maxBytes, maxFrames }',
    );
  });

  it('reports the inner problem of a gopCache object', () => {
    expect(invalid({ streams: { gopCache: { maxFrames: 0 } } }).message).toContain(
      'streams.gopCache.maxFrames: must be an integer in 1..1000000 (got 0)',
    );
  });

  it('rejects http: true', () => {
    expect(invalid({ http: true }).message).toContain('http: must be false or { port, host');
  });

  it('rejects a bad HTTP port', () => {
    expect(invalid({ http: { port: 99999 } }).message).toContain('http.port: must be a port number');
  });

  it('rejects an unknown timestamp mode', () => {
    expect(invalid({ streams: { timestampMode: 'fast' } }).message).toContain(
      'streams.timestampMode: must be "off", "monotonic" or "rebase"',
    );
  });

  it('rejects an unknown log level', () => {
    expect(invalid({ logLevel: 'loud' }).message).toContain('logLevel: must be one of');
  });

  it('rejects a logger without the pino methods', () => {
    expect(invalid({ logger: { info() {} } }).message).toContain('logger: must be a pino-like logger');
  });

  it('rejects a non-object', () => {
    expect(invalid(42).message).toContain('options:');
  });

  it('lists every problem at once', () => {
    const message = invalid({ rtmp: { port: -5, chunkSize: 1 }, players: { queueMs: 1 } }).message;
    expect(message.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(3);
  });
});

describe('options → native config', () => {
  it('builds exactly the flat keys the engine reads', () => {
    const config = toNativeConfig(resolveOptions({}));
    expect(Object.keys(config).sort()).toEqual(
      [
        'host',
        'port',
        'ioThreads',
        'rtmps',
        'rtmpsHost',
        'rtmpsPort',
        'tlsCertFile',
        'tlsKeyFile',
        'tlsCiphers',
        'tlsCipherSuites',
        'handshakeTimeoutMs',
        'idleTimeoutMs',
        'outChunkSize',
        'maxMessageSize',
        'maxPartialMessageBytes',
        'windowAckSize',
        'peerBandwidth',
        'amfMaxDepth',
        'amfMaxString',
        'gopCache',
        'gopCacheMaxMs',
        'gopCacheMaxBytes',
        'gopCacheMaxFrames',
        'waitForPublisher',
        'playWaitMs',
        'timestampMode',
        'playerQueueMs',
        'playerQueueMaxBytes',
        'mergeWritesMs',
        'authHook',
        'authTimeoutMs',
        'authTimeoutAllows',
        'authFailLimit',
        'authFailWindowMs',
        'authBanMs',
        'authBanExemptCidrs',
        'maxConnections',
        'maxConnectionsPerIp',
        'maxPublishers',
        'maxPlayersPerStream',
        'maxIngestKbps',
        'dropOverIngestLimit',
        'ipRules',
        'ipDefaultAllow',
        'connectTimeoutMs',
        'playPublishTimeoutMs',
        'writeTimeoutMs',
        'maxPendingConnections',
        'maxPendingPerIp',
        'maxPendingOutputBytes',
        'maxMetadataBytes',
        'hlsEnabled',
        'hlsApps',
        'hlsFormat',
        'hlsSegmentDurationMs',
        'hlsPartDurationMs',
        'hlsMaxSegmentBytes',
        'decoderThreads',
        'hwaccel',
        'hwaccelDevice',
        'frameBuffers',
        'logLevel',
      ].sort(),
    );
  });

  it('maps names and values', () => {
    const config = toNativeConfig(
      resolveOptions({
        rtmp: { port: 0, chunkSize: 60000 },
        streams: { gopCache: false, timestampMode: 'off' },
        players: { lowLatency: true },
        logLevel: 'silent',
      }),
    );
    expect(config).toMatchObject({
      port: 0,
      outChunkSize: 60000,
      gopCache: false,
      timestampMode: 'off',
      playerQueueMs: 500,
      logLevel: 100,
    });
  });

  it('maps limits and IP rules', () => {
    const config = toNativeConfig(
      resolveOptions({
        limits: { maxConnections: 5, maxPlayersPerStream: 2, maxIngestKbps: 8000, ingestOverLimit: 'drop' },
        access: { rules: [{ policy: 'deny', cidr: '10.0.0.0/8', on: 'publish', app: 'live' }], default: 'deny' },
      }),
    );
    expect(config).toMatchObject({
      maxConnections: 5,
      maxConnectionsPerIp: 0,
      maxPublishers: 10,
      maxPlayersPerStream: 2,
      maxIngestKbps: 8000,
      dropOverIngestLimit: true,
      ipRules: [{ action: 'publish', app: 'live', allow: false, cidr: '10.0.0.0/8' }],
      ipDefaultAllow: false,
    });
  });

  it('uses pino numbers for log levels', () => {
    expect(toNativeConfig(resolveOptions({ logLevel: 'trace' })).logLevel).toBe(10);
    expect(toNativeConfig(resolveOptions({ logLevel: 'error' })).logLevel).toBe(50);
  });
});
