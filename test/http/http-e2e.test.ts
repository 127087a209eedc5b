/**
 * HTTP behaviour of the built-in server with a real engine and a real
 * publisher (Debian's ffmpeg over RTMP): auth 403 and the token carried to
 * child URLs, ranges, HEAD, ETag/304, CORS preflight, 404/410, a request too
 * far ahead (400), and 200 concurrent blocked reloads released by one part.
 * Every wait is time-boxed.
 */
import * as http from 'http';

import { type Proc, publish, stopAll } from '../e2e/helpers/ffmpeg';
import { makeClip } from '../e2e/helpers/media';
import { describeWithAddon } from '../helpers/addon';
import type { RtmpServer } from '../../lib';
import type { HlsStore } from '../../lib/http/hls/store';
import { closeAllTestServers, testServer } from '../helpers/servers';
import { until } from '../helpers/wait';

jest.setTimeout(120_000);

const TOKEN = 'good';
let base = '';
let session = '';
let server: RtmpServer;
let publisher: Proc;

/** The media playlist's last listed part and the msn it belongs to. */
function lastPart(playlist: string): { msn: number; part: number } {
  const parts = [...playlist.matchAll(/part-(\d+)-(\d+)-video\.m4s/g)];
  const hint = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="[0-9a-z]+-part-(\d+)-(\d+)-video\.m4s/.exec(playlist);
  const listed = parts.filter((m) => !hint || m.index !== undefined && m.index < hint.index);
  const last = listed[listed.length - 1];
  if (!last) throw new Error(`no part in:\n${playlist}`);
  return { msn: Number(last[1]), part: Number(last[2]) };
}

/**
 * Runs `body` with the publisher paused (after its in-flight items landed), resuming it after.
 * With `ready`, a pause that caught the store in the wrong state (say, a segment that has just
 * opened and has no part yet) is let go and taken again, up to five times.
 */
async function whilePaused<T>(body: (store: HlsStore) => Promise<T>, ready?: (store: HlsStore) => boolean): Promise<T> {
  const store = server.hlsStore();
  if (!store) throw new Error('no store');
  for (let attempt = 1; ; attempt++) {
    publisher.child.kill('SIGSTOP');
    let resumed = false;
    try {
      await new Promise((r) => setTimeout(r, 500));
      if (ready && !ready(store) && attempt < 5) {
        publisher.child.kill('SIGCONT');
        resumed = true;
        await new Promise((r) => setTimeout(r, 300)); // more than one 200 ms part of media
        continue;
      }
      return await body(store);
    } finally {
      if (!resumed) publisher.child.kill('SIGCONT');
    }
  }
}

/** A media file's URL: its name prefixed with the stream instance's epoch (names.ts). */
function mediaUrl(name: string): string {
  return `${base}/${server.hlsStore()?.get('live/e2e')?.epoch ?? 'none'}-${name}`;
}

describeWithAddon('HTTP behaviour with a real publisher', () => {
  beforeAll(async () => {
    server = testServer({
      // A long hold: the blocked requests below must not time out on a slow machine.
      http: { host: '127.0.0.1', port: 0, blockingTimeoutMs: 30_000 },
      hls: { segmentDuration: 1, windowSegments: 3 },
    });
    server.authorize((req) => {
      if (req.action === 'publish') return { allow: true };
      return req.query.token === TOKEN ? { allow: true } : { allow: false, reason: 'token required' };
    });
    const ports = await server.listen();
    base = `http://127.0.0.1:${ports.http}/live/e2e`;
    const clip = makeClip({ seconds: 6, size: '320x240', gop: 30 });
    publisher = publish(clip.file, `rtmp://127.0.0.1:${ports.port}/live/e2e`, { loop: true, timeoutMs: 110_000 });
    const master = await until('the master playlist', async () => {
      const res = await fetch(`${base}/index.m3u8?token=${TOKEN}`);
      return res.status === 200 ? res.text() : (await res.arrayBuffer(), undefined);
    });
    session = /video\.m3u8\?token=good&session=([A-Za-z0-9_-]+)/.exec(master)?.[1] ?? '';
    // A window with complete segments before the tests look at it.
    await until('segment 2', async () => {
      const res = await fetch(mediaUrl('seg-2-video.m4s'));
      await res.arrayBuffer();
      return res.status === 200 ? true : undefined;
    });
  });

  afterAll(async () => {
    stopAll();
    await closeAllTestServers();
  });

  test('auth: 403 without the token; the token and the session are carried to the media playlist', async () => {
    expect(session).not.toBe('');
    const denied = await fetch(`${base}/index.m3u8`);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ error: { code: 'forbidden', message: 'token required' } });
    const media = await fetch(`${base}/video.m3u8?token=${TOKEN}&session=${session}`);
    expect(media.status).toBe(200);
    expect(await media.text()).toMatch(/seg-\d+-video\.m4s\?token=good/);
  });

  test('segments: range (206, 416), HEAD, ETag/304, CORS preflight', async () => {
    const playlist = await (await fetch(`${base}/video.m3u8?token=${TOKEN}&session=${session}`)).text();
    const seg = /^([0-9a-z]+-seg-\d+-video\.m4s)/m.exec(playlist)?.[1] as string;
    const url = `${base}/${seg}`;
    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.subarray(4, 8).toString()).toBe('moof');
    const ranged = await fetch(url, { headers: { Range: 'bytes=4-7' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 4-7/${bytes.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).toString()).toBe('moof');
    expect((await fetch(url, { headers: { Range: `bytes=${bytes.length}-` } })).status).toBe(416);
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
    expect((await fetch(url, { headers: { 'If-None-Match': whole.headers.get('etag') as string } })).status).toBe(304);
    const pre = await fetch(url, { method: 'OPTIONS', headers: { Origin: 'https://player.example', 'Access-Control-Request-Method': 'GET' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
  });

  test('404 for an unknown stream, 410 for a segment that left the window', async () => {
    expect((await fetch(`${base.replace('/e2e', '/nobody')}/index.m3u8?token=${TOKEN}`)).status).toBe(404);
    await until('segment 0 to leave the window', async () => {
      const res = await fetch(mediaUrl('seg-0-video.m4s'));
      await res.arrayBuffer();
      return res.status === 410 ? true : undefined;
    });
  });

  test('a blocking request too far ahead is 400', async () => {
    const playlist = await (await fetch(`${base}/video.m3u8?session=${session}`)).text();
    const { msn } = lastPart(playlist);
    expect((await fetch(`${base}/video.m3u8?session=${session}&_HLS_msn=${msn + 4}`)).status).toBe(400);
  });

  test('200 concurrent blocked reloads are released by one part, all with the same text', async () => {
    const store = server.hlsStore();
    if (!store) throw new Error('no store');
    // The publisher is paused while the requests come in, so all of them wait for the same
    // part however slow the machine is; resuming it makes that part.
    publisher.child.kill('SIGSTOP');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 250 });
    try {
      await new Promise((r) => setTimeout(r, 500));
      const playlist = await (await fetch(`${base}/video.m3u8?session=${session}`)).text();
      const hint = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="[0-9a-z]+-part-(\d+)-(\d+)-video\.m4s/.exec(playlist);
      if (!hint) throw new Error(`no preload hint in:\n${playlist}`);
      const url = `${base}/video.m3u8?session=${session}&_HLS_msn=${hint[1]}&_HLS_part=${hint[2]}`;
      const get = (): Promise<{ status: number; body: string }> =>
        new Promise((resolve, reject) => {
          http
            .get(url, { agent }, (res) => {
              let body = '';
              res.setEncoding('utf8');
              res.on('data', (d: string) => (body += d));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
            })
            .on('error', reject);
        });
      const pending = Promise.all(Array.from({ length: 200 }, get));
      await until('200 waiting requests', async () => (store.waiting() === 200 ? true : undefined));
      publisher.child.kill('SIGCONT');
      const answers = await pending;
      expect(answers.filter((a) => a.status !== 200)).toEqual([]);
      expect(new Set(answers.map((a) => a.body)).size).toBe(1);
      expect(answers[0]?.body).toContain(`-part-${hint[1]}-${hint[2]}-video.m4s"`);
    } finally {
      publisher.child.kill('SIGCONT');
      agent.destroy();
    }
  });

  test('low-latency DASH: the open segment is streamed as its parts arrive and ends as the whole segment', async () => {
    // Paused publisher: the open segment stays incomplete until the first bytes arrived. A pause
    // right after a keyframe opened a segment finds no part yet: whilePaused() pauses again.
    const { msn, res, chunks, firstWhileOpen } = await whilePaused(async (store) => {
      const open = store.get('live/e2e')?.open;
      if (!open || open.parts.length === 0) throw new Error('no open segment with parts');
      let whileOpen: boolean | undefined;
      const body: Buffer[] = [];
      const answer = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const req = http.get(mediaUrl(`seg-${open.msn}-video.m4s`), (r) => {
          r.on('data', (c: Buffer) => {
            if (whileOpen === undefined) {
              whileOpen = store.get('live/e2e')?.segment('video', open.msn) === 'future';
              publisher.child.kill('SIGCONT');
            }
            body.push(c);
          });
          r.on('end', () => resolve(r));
          r.on('error', reject);
        });
        req.on('error', reject);
        req.setTimeout(30_000, () => req.destroy(new Error('no end in 30 s')));
      });
      return { msn: open.msn, res: answer, chunks: body, firstWhileOpen: whileOpen };
    }, (store) => (store.get('live/e2e')?.open?.parts.length ?? 0) > 0);
    expect(res.statusCode).toBe(200);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers.etag).toBeUndefined();
    expect(res.headers['cache-control']).toContain('immutable');
    expect(firstWhileOpen).toBe(true);
    const whole = await fetch(mediaUrl(`seg-${msn}-video.m4s`));
    expect(whole.status).toBe(200);
    expect(whole.headers.get('etag')).not.toBeNull();
    expect(Buffer.concat(chunks).equals(Buffer.from(await whole.arrayBuffer()))).toBe(true);
  });

  test('low-latency DASH: a client leaving a streamed segment leaves no waiter behind', async () => {
    await whilePaused(async (store) => {
      const view = store.get('live/e2e');
      const next = (view?.open?.msn ?? view?.nextMsn ?? 0) + 1;
      const req = http.get(mediaUrl(`seg-${next}-video.m4s`));
      req.on('error', () => undefined);
      await until('the streamed request to wait', async () => (store.waiting() > 0 ? true : undefined));
      req.destroy();
      await until('its waiters to go', async () => (store.waiting() === 0 ? true : undefined));
    });
  });
});
