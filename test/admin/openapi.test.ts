/**
 * docs/openapi.json against the real routes: the same paths and methods as
 * ADMIN_ROUTES, the same error codes as AdminErrorCodes, every $ref resolves,
 * and each operation, called on a running server (fake engine), answers with
 * a documented status and a body that validates against its documented schema.
 */
import { ADMIN_ROUTES, AdminErrorCodes } from '../../lib/admin';
import { RtmpServer } from '../../lib/server';
import type { NativeStats } from '../../types/native';
import { type FakeEngine, fakeFactory } from '../helpers/fake-engine';
import { emptyCodec } from '../helpers/native-event';
import { adminRequest } from './admin-request';
import { resolve, type Schema, spec, validate } from './openapi-schema';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

function documentedOperations(): Array<{ method: string; path: string; op: Schema }> {
  const out: Array<{ method: string; path: string; op: Schema }> = [];
  for (const [path, item] of Object.entries(spec.paths as Record<string, Schema>)) {
    for (const method of METHODS) if (item[method]) out.push({ method: method.toUpperCase(), path, op: item[method] });
  }
  return out;
}

describe('docs/openapi.json', () => {
  it('is OpenAPI 3 and lists exactly the routes the handler serves', () => {
    expect(spec.openapi).toMatch(/^3\./);
    const documented = documentedOperations().map((o) => `${o.method} ${o.path}`).sort();
    const served = ADMIN_ROUTES.map((r) => `${r.method} ${r.path}`).sort();
    expect(documented).toEqual(served);
    for (const { op } of documentedOperations()) {
      const route = ADMIN_ROUTES.find((r) => r.operation === op.operationId);
      expect({ operationId: op.operationId, served: route !== undefined }).toEqual({ operationId: op.operationId, served: true });
    }
  });

  it('documents exactly the error codes the API answers with', () => {
    const codes = resolve({ $ref: '#/components/schemas/Error' }).properties.error.properties.code.enum;
    expect([...codes].sort()).toEqual(Object.values(AdminErrorCodes).sort());
  });

  it('resolves every $ref', () => {
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref') refs.push(v as string);
          else walk(v);
        }
      }
    };
    walk(spec);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(() => resolve({ $ref: ref })).not.toThrow();
  });

  it('catches a body that breaks its schema (the validator can fail)', () => {
    expect(validate({ id: 3, kicked: true }, { $ref: '#/components/schemas/KickResult' })).toEqual(['$.id: integer, expected string']);
    expect(validate({ kicked: true }, { $ref: '#/components/schemas/KickResult' })).toEqual(['$.id: missing']);
  });
});

describe('docs/openapi.json against a running server', () => {
  const TOKEN = 'openapi-token-0123456789';
  let server: RtmpServer;
  let port = 0;

  beforeAll(async () => {
    const { factory, engines } = fakeFactory();
    server = new RtmpServer(
      { rtmp: { host: '127.0.0.1', port: 0 }, http: { host: '127.0.0.1', port: 0 }, hls: false, admin: { tokens: [TOKEN] }, logLevel: 'silent' },
      { createEngine: factory },
    );
    port = (await server.listen()).http as number;
    const engine = engines[0] as FakeEngine;
    engine.addSession(1, 'publisher');
    engine.addSession(2, 'player');
    engine.addSession(3, 'player');
    const stats: NativeStats = engine.stats();
    stats.streams.push({
      app: 'live', stream: 'cam', publisherId: 1, startedAtMs: 1, players: 2,
      codec: emptyCodec({ videoCodec: 'H264', width: 320, height: 240, audioCodec: 'AAC' }),
      bytesIn: 10, videoFrames: 1, audioFrames: 1, gopCacheFrames: 1, gopCacheBytes: 10, gopCacheOverflows: 0,
      ingestDrops: { malformed: 0, empty: 0, tooLarge: 0, notPublishing: 0, authDenied: 0, authOverflow: 0, metadataTooLarge: 0 },
      timing: { keyframeIntervalMs: 2000, gopFrames: 60, avSkewMs: -12, framesSinceKeyframe: 5, keyframes: 3 },
    });
    engine.stats = () => ({ ...stats, sessions: [...engine.sessions] });
    // Thumbnails: the fake engine hands back a (tiny, not decodable) JPEG at once.
    engine.snapshot = (_key, options, onDone) => {
      setImmediate(() => onDone(null, { data: Buffer.from([0xff, 0xd8, 0xff, 0xd9]), format: options.format, width: 320, height: 240, pts: 0, keyframe: true }));
      return 1;
    };
  });

  afterAll(() => server.close({ graceMs: 0 }));

  const examples: Record<string, string> = {
    getServer: '/api/v1/server',
    listStreams: '/api/v1/streams',
    getStream: '/api/v1/streams/live/cam',
    listSessions: '/api/v1/sessions?role=player&limit=1',
    kickSession: '/api/v1/sessions/3',
    stopStream: '/api/v1/streams/live/cam?ban=30',
    liftBan: '/api/v1/bans/live/cam',
    getThumbnail: '/api/v1/streams/live/cam/thumbnail.jpg?width=160',
    getPlayback: '/api/v1/streams/live/cam/playback',
  };

  it.each(documentedOperations().map((o) => [o.op.operationId as string, o] as const))(
    '%s answers 200 with a body that matches its schema, and documents its errors',
    async (operationId, { method, op }) => {
      const url = examples[operationId];
      expect(url).toBeDefined();
      const r = await adminRequest(port, method, url as string, TOKEN);
      expect(r.status).toBe(200);
      const content = op.responses['200'].content;
      if (content['application/json']) expect(validate(r.body, content['application/json'].schema as Schema)).toEqual([]);
      else expect(Object.keys(content)).toEqual([r.headers['content-type']]);
      // Every operation documents 401; a call without the token gets it with a documented body.
      const denied = await adminRequest(port, method, url as string, null);
      expect(Object.keys(op.responses)).toContain(String(denied.status));
      expect(validate(denied.body, op.responses[String(denied.status)].content['application/json'].schema)).toEqual([]);
    },
  );
});
