/**
 * Type tests: checked by `tsc -p tsconfig.json --noEmit` (scripts/test.sh);
 * at run time they only construct things. A wrong event name or payload field
 * must not compile (@ts-expect-error fails the type check if it compiles).
 */
import {
  createServer,
  type CloseResult,
  type DisconnectEvent,
  type PublishEvent,
  type RtmpServer,
  type ServerOptions,
} from '../lib';

describe('public types', () => {
  it('types event listeners by event name', () => {
    const server: RtmpServer = createServer({ rtmp: { port: 0 }, logLevel: 'silent' });
    server.on('publish', (e: PublishEvent) => {
      const width: number | null | undefined = e.codec.video?.width;
      const token: string | undefined = e.query.token;
      void width;
      void token;
    });
    server.on('disconnect', (e: DisconnectEvent) => {
      const reason: string = e.reason;
      void reason;
    });
    server.on('error', (e) => {
      const code: string = e.code;
      const id: number = e.sessionId;
      void code;
      void id;
    });
    server.on('log', (e) => {
      const level: 'trace' | 'debug' | 'info' | 'warn' | 'error' = e.level;
      void level;
    });
    // @ts-expect-error: no such event
    server.on('publsh', () => undefined);
    server.on('connect', (e) => {
      // @ts-expect-error: connect has no codec
      void e.codec;
    });
    expect(server.listenerCount('publish')).toBe(1);
  });

  it('types options', () => {
    const ok: ServerOptions = { rtmp: { port: 1935 }, streams: { gopCache: { maxMs: 5000 } }, http: false };
    // @ts-expect-error: port is a number
    const bad: ServerOptions = { rtmp: { port: '1935' } };
    // @ts-expect-error: unknown key
    const typo: ServerOptions = { rtmp: { prot: 1 } };
    void bad;
    void typo;
    expect(ok.rtmp?.port).toBe(1935);
  });

  it('types close() results', async () => {
    const result: CloseResult = await createServer({ logLevel: 'silent' }).close();
    expect(result).toEqual({ publishers: 0, players: 0, forced: 0 });
  });
});
