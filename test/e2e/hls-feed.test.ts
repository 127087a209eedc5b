/**
 * The engine's HLS feed (engine.setHlsFeed) with a real publisher: Debian's
 * ffmpeg publishes a short H.264 + AAC clip; the items arrive in the order and
 * shape of lib/http/hls/feed.ts, and the video and audio tracks written out as
 * init + parts are read by ffprobe (codec, size) and carry exactly the source
 * packets (ffmpeg -f framemd5 -c copy, per track). Also: format ts, and the
 * authorize answer turning HLS off for one publish.
 */
import * as fs from 'fs';
import * as path from 'path';

import type { HlsFeedCounters, HlsFeedItem } from '../../lib/http/hls/feed';
import { loadAddon } from '../../lib/native';
import { toNativeConfig } from '../../lib/native-config';
import { resolveOptions } from '../../lib/options';
import type { NativeEngine, NativeEngineConfig, NativeEvent, NativeHlsItem } from '../../types/native';
import { describeWithAddon } from '../helpers/addon';
import { execText, parseFramemd5, publish, stopAll } from './helpers/ffmpeg';
import { makeClip, workDir } from './helpers/media';
import { waitUntil } from './helpers/server';

// The native items are the SDK's feed items, both ways (a compile-time check).
const toFeed = (item: NativeHlsItem): HlsFeedItem => item;
const fromFeed = (item: HlsFeedItem): NativeHlsItem => item;
void toFeed;
void fromFeed;

jest.setTimeout(90_000);

interface Run {
  engine: NativeEngine;
  items: HlsFeedItem[];
  counters: HlsFeedCounters[];
  events: NativeEvent[];
  url: (name: string) => string;
}

function startEngine(overrides: Partial<NativeEngineConfig> = {}, onEvent?: (e: NativeEvent, engine: NativeEngine) => void): Run {
  const config = {
    ...toNativeConfig(resolveOptions({ rtmp: { host: '127.0.0.1', port: 0, ioThreads: 1 }, logLevel: 'silent' })),
    ...overrides,
  };
  const events: NativeEvent[] = [];
  const run = {} as Run;
  const engine = new (loadAddon().Engine)(config, (batch) => {
    for (const e of batch) {
      events.push(e);
      onEvent?.(e, engine);
    }
  });
  const items: HlsFeedItem[] = [];
  const counters: HlsFeedCounters[] = [];
  engine.setHlsFeed((batch, c) => {
    items.push(...batch);
    counters.push(c);
  });
  engine.start();
  const port = engine.boundPort();
  Object.assign(run, { engine, items, counters, events, url: (name: string) => `rtmp://127.0.0.1:${port}/live/${name}` });
  return run;
}

/** ffmpeg's per-packet hashes of one elementary stream of a file (stream copy). */
async function hashes(file: string, map: string): Promise<string[]> {
  const out = await execText('ffmpeg', ['-v', 'error', '-i', file, '-map', map, '-c', 'copy', '-f', 'framemd5', '-']);
  return parseFramemd5(out).map((p) => p.hash);
}

async function probe(file: string): Promise<Record<string, string>> {
  const out = await execText('ffprobe', [
    '-v', 'error', '-show_entries', 'stream=codec_name,width,height,sample_rate,channels', '-of', 'default=nw=1', file,
  ]);
  return Object.fromEntries(out.split('\n').filter(Boolean).map((l) => l.split('=') as [string, string]));
}

const runs: Run[] = [];
afterEach(() => {
  stopAll();
  for (const r of runs.splice(0)) r.engine.stop();
});

describeWithAddon('engine HLS feed (setHlsFeed)', () => {
  it('refuses setHlsFeed after start()', () => {
    const run = startEngine();
    runs.push(run);
    expect(() => run.engine.setHlsFeed(() => undefined)).toThrow(/before start/);
  });

  it('hands over init, parts and segments in order, and the tracks play as the source', async () => {
    const clip = makeClip({ seconds: 4, gop: 30 });
    const run = startEngine({ hlsSegmentDurationMs: 2000, hlsPartDurationMs: 200 });
    runs.push(run);
    const pub = publish(clip.file, run.url('cam'));
    expect(await pub.exited).toBe(0);
    await waitUntil(() => run.items.some((i) => i.type === 'end'), 'the end item');

    const { items } = run;
    expect(run.counters.at(-1)).toMatchObject({ dropped: 0, droppedBytes: 0 });
    expect(new Set(items.map((i) => i.stream))).toEqual(new Set(['live/cam']));
    expect(new Set(items.map((i) => i.publishId)).size).toBe(1);

    const init = items[0];
    if (init?.type !== 'init') throw new Error(`first item is ${init?.type}`);
    expect(init).toMatchObject({ initId: 0, format: 'fmp4' });
    expect(init.tracks).toEqual([
      { kind: 'video', codec: expect.stringMatching(/^avc1\.[0-9a-f]{6}$/), timescale: 90000, width: 320, height: 240, frameRate: 30 },
      { kind: 'audio', codec: 'mp4a.40.2', timescale: 44100, sampleRate: 44100, channels: 2 },
    ]);
    expect(items.at(-1)).toEqual({ type: 'end', stream: 'live/cam', publishId: init.publishId, reason: 'publisher gone' });

    // Parts numbered from 0 per segment, contiguous, ≤ the target; a segment
    // after its parts with their count and span.
    let segment = 0;
    let part = 0;
    let partEnd = 0;
    let first: number | undefined;
    let lastPartArrivedAt = 0;
    const videoFile: Buffer[] = [init.video as Buffer];
    const audioFile: Buffer[] = [init.audio as Buffer];
    for (const item of items.slice(1, -1)) {
      if (item.type === 'part') {
        expect([item.segment, item.part]).toEqual([segment, part]);
        if (part > 0) expect(item.start).toBe(partEnd);
        expect(item.duration).toBeLessThanOrEqual(200);
        // The clip has a keyframe every second, from the first part on.
        first ??= item.start;
        expect(item.independent).toBe((item.start - first) % 1000 === 0);
        if (part === 0) expect(item.independent).toBe(true);
        expect(item.programDateTime).toBeGreaterThan(Date.now() - 60_000);
        // When its last packet reached the tap: a wall-clock time of this run.
        expect(item.arrivedAt).toBeGreaterThan(Date.now() - 60_000);
        expect(item.arrivedAt).toBeLessThanOrEqual(Date.now());
        partEnd = item.start + item.duration;
        lastPartArrivedAt = item.arrivedAt ?? 0;
        part += 1;
        if (item.video) videoFile.push(item.video);
        if (item.audio) audioFile.push(item.audio);
      } else if (item.type === 'segment') {
        expect(item).toMatchObject({ segment, parts: part, independent: true });
        expect(item.arrivedAt).toBeGreaterThanOrEqual(lastPartArrivedAt);
        expect(item.start + item.duration).toBe(partEnd);
        segment += 1;
        part = 0;
      } else {
        throw new Error(`unexpected ${item.type} item`);
      }
    }
    expect(segment).toBe(2); // 4 s in 2 s segments

    const dir = workDir();
    const video = path.join(dir, 'hls-feed-video.mp4');
    const audio = path.join(dir, 'hls-feed-audio.mp4');
    fs.writeFileSync(video, Buffer.concat(videoFile));
    fs.writeFileSync(audio, Buffer.concat(audioFile));
    expect(await probe(video)).toMatchObject({ codec_name: 'h264', width: '320', height: '240' });
    expect(await probe(audio)).toMatchObject({ codec_name: 'aac', sample_rate: '44100', channels: '2' });
    expect(await hashes(video, '0:v')).toEqual(await hashes(clip.file, '0:v'));
    // Audio from before the first keyframe has no segment (the clip's first
    // AAC frame is 23 ms ahead of its first picture): the rest, exactly.
    const sourceAudio = await hashes(clip.file, '0:a');
    const gotAudio = await hashes(audio, '0:a');
    expect(gotAudio.length).toBeGreaterThanOrEqual(sourceAudio.length - 2);
    expect(gotAudio).toEqual(sourceAudio.slice(sourceAudio.length - gotAudio.length));
  });

  it('format ts: whole segments without parts that ffprobe reads', async () => {
    const clip = makeClip({ seconds: 4, gop: 30 });
    const run = startEngine({ hlsFormat: 'ts', hlsSegmentDurationMs: 2000 });
    runs.push(run);
    expect(await publish(clip.file, run.url('old')).exited).toBe(0);
    await waitUntil(() => run.items.some((i) => i.type === 'end'), 'the end item');
    const types = run.items.map((i) => i.type);
    expect(types).toEqual(['init', 'segment', 'segment', 'end']);
    expect(run.items[0]).toMatchObject({ format: 'ts' });
    expect(run.items[0]).not.toHaveProperty('video');
    const segments = run.items.filter((i): i is Extract<HlsFeedItem, { type: 'segment' }> => i.type === 'segment');
    const file = path.join(workDir(), 'hls-feed.ts');
    fs.writeFileSync(file, Buffer.concat(segments.map((s) => s.ts as Buffer)));
    const info = await execText('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', file]);
    // (ffprobe lists the program's streams and the file's: the same two)
    expect([...new Set(info.split('\n').filter(Boolean))].sort()).toEqual(['aac', 'h264']);
    expect((await hashes(file, '0:v')).length).toBe((await hashes(clip.file, '0:v')).length);
  });

  it('the authorize answer turns HLS off for one publish (taps ["!hls"])', async () => {
    const clip = makeClip({ seconds: 4, gop: 30 });
    const run = startEngine({ authHook: true }, (e, engine) => {
      if (e.kind === 'authorize') engine.answerAuth(e.sessionId, e.requestId, true, '', '', e.stream === 'off' ? ['!hls'] : []);
    });
    runs.push(run);
    expect(await publish(clip.file, run.url('off')).exited).toBe(0);
    await waitUntil(() => run.events.some((e) => e.kind === 'unpublish'), 'the unpublish event');
    expect(run.items).toEqual([]);
  });
});
