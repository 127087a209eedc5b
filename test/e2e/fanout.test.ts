/**
 * Several independent streams at once; one publisher dies (SIGKILL) and only
 * its own players notice.
 */
import { compareWithSource, framemd5OfFile, parseFramemd5, playFramemd5, publish, stopAll, type Proc } from './helpers/ffmpeg';
import { makeClip } from './helpers/media';
import { startServer, waitForEvent, waitUntil } from './helpers/server';
import type { RtmpServer } from '../../lib';

const PUBLISHERS = 5;
const PLAYERS_EACH = 3;

describe('fan-out: 5 publishers × 3 players', () => {
  let server: RtmpServer;
  let url: (p: string) => string;

  beforeAll(async () => {
    ({ server, url } = await startServer({ rtmp: { ioThreads: 2 } } as any));
  });
  afterAll(async () => {
    stopAll();
    await server.close({ graceMs: 1000 });
  });

  it('serves every player its own stream exactly, and a killed publisher ends only its players', async () => {
    const clip = makeClip({ seconds: 6, gop: 30 });
    const source = await framemd5OfFile(clip.file);

    const publishers: Proc[] = [];
    for (let i = 0; i < PUBLISHERS; i++) {
      const started = waitForEvent(server, 'publish', (e: any) => e.path === `live/s${i}`);
      publishers.push(publish(clip.file, url(`live/s${i}`), { loop: true, timeoutMs: 90_000 }));
      await started;
    }

    const players: Proc[][] = [];
    for (let i = 0; i < PUBLISHERS; i++) {
      players.push([]);
      for (let j = 0; j < PLAYERS_EACH; j++) {
        // Stream 0 players run open-ended (until EOF); the rest stop after 6 s.
        players[i]!.push(playFramemd5(url(`live/s${i}`), { seconds: i === 0 ? undefined : 6, timeoutMs: 60_000 }));
      }
    }
    await waitUntil(() => server.sessions().filter((s: any) => s.role === 'player').length === PUBLISHERS * PLAYERS_EACH, 'all players');

    // Let media flow, then kill publisher 0 outright.
    await new Promise((r) => setTimeout(r, 2500));
    const killedAt = Date.now();
    publishers[0]!.child.kill('SIGKILL');
    const endTimes = await Promise.all(players[0]!.map(async (p) => {
      const code = await p.exited;
      return { code, ms: Date.now() - killedAt };
    }));
    // Its players got UnpublishNotify + Stream EOF and exited cleanly.
    for (const { code } of endTimes) expect(code).toBe(0);
    // The measured delay is printed for the record (no wall-clock assertion: shared machine).
    console.log(`players of the killed publisher ended ${endTimes.map((t) => t.ms).join(', ')} ms after SIGKILL`);

    // Every other stream carried on: each player got ~6 s of exact packets.
    for (let i = 1; i < PUBLISHERS; i++) {
      for (const p of players[i]!) {
        expect(await p.exited).toBe(0);
        const received = parseFramemd5(p.stdout());
        expect(received.filter((x) => x.stream === 0).length).toBeGreaterThan(120);
        expect(compareWithSource(source, received)).toBeNull();
      }
    }
    // Stream 0's players also received exact packets up to the kill.
    for (const p of players[0]!) expect(compareWithSource(source, parseFramemd5(p.stdout()))).toBeNull();
    for (const p of publishers.slice(1)) p.child.kill('SIGTERM');
  }, 120_000);
});
