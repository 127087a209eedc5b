/**
 * The folder writer (lib/hls-folder/) fed through a real HlsStore with
 * synthetic items: which files appear, what the playlists on disk say, the
 * live window's deletions, the VOD playlist at the end, a slow disk, a folder
 * that cannot be written, and unsafe stream keys. Timers are manual, so no
 * test depends on the clock; the real-media checks are in
 * hls-folder-media.test.ts.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import type { HlsFeedItem } from '../../lib/http/hls/feed';
import { renderMasterPlaylist } from '../../lib/http/hls/master-playlist';
import { HlsStore, type HlsTimers } from '../../lib/http/hls/store';
import { attachHlsFolder, type HlsFolderOptions, type HlsFolderWriter } from '../../lib/hls-folder';
import { type FolderIo, nodeFolderIo } from '../../lib/hls-folder/folder-io';
import { isOwnFile, streamDirectory } from '../../lib/hls-folder/folder-paths';
import { FakePublish, kAudio, kVideo } from './hls-feed-builder';

/** Timers that fire only when the test says so. */
class ManualTimers implements HlsTimers {
  private next = 1;
  readonly pending = new Map<number, { fn: () => void; ms: number }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { fn, ms });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Fires every timer due (ms ≤ upTo), including ones they set. */
  fire(upTo = Infinity): void {
    for (let round = 0; round < 100; round++) {
      const due = [...this.pending].filter(([, t]) => t.ms <= upTo);
      if (due.length === 0) return;
      for (const [id, t] of due) {
        this.pending.delete(id);
        t.fn();
      }
    }
  }
}

interface Logged {
  level: string;
  fields: Record<string, unknown>;
  msg: string;
}

let root: string;
const opened: { store: HlsStore; writer: HlsFolderWriter }[] = [];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'hls-folder-'));
});

afterEach(async () => {
  for (const { store, writer } of opened.splice(0)) {
    store.close();
    await writer.close();
  }
  rmSync(root, { recursive: true, force: true });
});

function setup(options: Partial<HlsFolderOptions> = {}, windowSegments = 6) {
  const timers = new ManualTimers();
  const logs: Logged[] = [];
  const log = {
    info: (fields: Record<string, unknown>, msg: string) => logs.push({ level: 'info', fields, msg }),
    warn: (fields: Record<string, unknown>, msg: string) => logs.push({ level: 'warn', fields, msg }),
    error: (fields: Record<string, unknown>, msg: string) => logs.push({ level: 'error', fields, msg }),
  };
  const store = new HlsStore({ windowSegments, endAfter: 0, timers: new ManualTimers() });
  const writer = attachHlsFolder(store, { folder: root, windowSegments, endAfter: 0, log, timers, ...options });
  opened.push({ store, writer });
  const feed = (items: HlsFeedItem | HlsFeedItem[]): void => {
    for (const item of Array.isArray(items) ? items : [items]) store.ingest(item);
  };
  return { store, writer, timers, logs, feed };
}

const dir = (stream = 'live/cam'): string => join(root, ...stream.split('/'));
/**
 * Media file names carry the stream instance's epoch (names.ts); the tests below
 * read names and playlists without it, as the layout.
 */
const kEpochPrefix = /(^|")[0-9a-z]+-(?=(?:seg|init|part)-)/gm;
const plain = (text: string): string => text.replace(kEpochPrefix, '$1');
/** The file whose name without the epoch is `name`. */
const pathOf = (name: string, stream?: string): string =>
  join(dir(stream), readdirSync(dir(stream)).find((n) => plain(n) === name) ?? name);
const read = (name: string, stream?: string): string => plain(readFileSync(pathOf(name, stream), 'utf8'));
const files = (stream?: string): string[] => readdirSync(dir(stream)).map(plain).sort();

describe('hls folder writer', () => {
  test('writes init segments, whole segments (parts joined), classic playlists and the master', async () => {
    const { store, writer, feed } = setup();
    const pub = new FakePublish();
    feed(pub.init());
    feed(pub.segment(2000, 100));
    feed(pub.segment(2000, 100));
    feed(pub.segment(1000, 100).slice(0, 2)); // an open segment: not on disk
    await writer.idle();
    expect(files()).toEqual(
      [
        'audio.m3u8',
        'index.m3u8',
        'init-0-audio.mp4',
        'init-0-video.mp4',
        'seg-0-audio.m4s',
        'seg-0-video.m4s',
        'seg-1-audio.m4s',
        'seg-1-video.m4s',
        'video.m3u8',
      ].sort(),
    );
    expect(read('init-0-video.mp4')).toBe('init-v-1-0');
    // Ten 200 ms parts of 100 bytes, part i filled with i: the segment file is their concatenation.
    const seg = readFileSync(pathOf('seg-0-video.m4s'));
    expect(seg.length).toBe(1000);
    expect([...seg.subarray(0, 200)].filter((b, i) => b !== Math.floor(i / 100))).toEqual([]);
    const video = read('video.m3u8');
    expect(video).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:6',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-MEDIA-SEQUENCE:0',
        '#EXT-X-DISCONTINUITY-SEQUENCE:0',
        '#EXT-X-MAP:URI="init-0-video.mp4"',
        '#EXT-X-PROGRAM-DATE-TIME:2026-01-01T12:00:00.000Z',
        '#EXTINF:2.000,',
        'seg-0-video.m4s',
        '#EXT-X-PROGRAM-DATE-TIME:2026-01-01T12:00:02.000Z',
        '#EXTINF:2.000,',
        'seg-1-video.m4s',
        '',
      ].join('\n'),
    );
    expect(video).not.toMatch(/EXT-X-PART|PRELOAD-HINT|SERVER-CONTROL|ENDLIST/);
    expect(read('audio.m3u8')).toContain('seg-1-audio.m4s');
    expect(read('index.m3u8')).toBe(renderMasterPlaylist(store.get('live/cam')!));
    expect(readdirSync(dir()).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(writer.counters()).toMatchObject({ segmentFiles: 4, droppedSegments: 0, failedOps: 0 });
  });

  test('format ts: seg-<msn>.ts files and one muxed playlist named after the first track', async () => {
    const { writer, feed } = setup();
    const pub = new FakePublish({ format: 'ts' });
    feed(pub.init());
    feed(pub.segment(2000, 300));
    feed(pub.segment(2500, 300));
    await writer.idle();
    expect(files()).toEqual(['index.m3u8', 'seg-0.ts', 'seg-1.ts', 'video.m3u8']);
    const video = read('video.m3u8');
    expect(video).toMatch(/^#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:3\n/);
    expect(video).toContain('#EXTINF:2.500,\nseg-1.ts\n');
    expect(video).not.toContain('EXT-X-MAP');
  });

  test('live: a segment that left the window is deleted after its grace period, with its old init', async () => {
    const { writer, timers, feed } = setup({}, 3);
    const pub = new FakePublish({ tracks: [kVideo], partMs: 0 });
    feed(pub.init());
    for (let i = 0; i < 4; i++) feed(pub.segment(2000, 50));
    // A codec change: a new init; segments of init 0 leave the window one by one.
    pub.segmentIndex = 0;
    feed(pub.init(1));
    for (let i = 0; i < 3; i++) feed(pub.segment(2000, 50));
    await writer.idle();
    const playlist = read('video.m3u8');
    expect(playlist).toMatch(/#EXT-X-MEDIA-SEQUENCE:4\n#EXT-X-DISCONTINUITY-SEQUENCE:0\n#EXT-X-DISCONTINUITY\n/);
    expect(playlist).not.toContain('seg-3-video.m4s');
    // Not yet deleted: a player that read the previous playlist may still fetch them.
    expect(files()).toContain('seg-0-video.m4s');
    // RFC 8216bis §6.2.2: the segment's duration plus the playlist that held it (4 × 2 s).
    expect([...timers.pending.values()][0]?.ms).toBe(2000 + 8000);
    timers.fire();
    await writer.idle();
    expect(files()).toEqual(
      ['index.m3u8', 'init-1-video.mp4', 'seg-4-video.m4s', 'seg-5-video.m4s', 'seg-6-video.m4s', 'video.m3u8'].sort(),
    );
    expect(writer.counters().removedFiles).toBe(5);
    // The segment that carried EXT-X-DISCONTINUITY leaves: the sequence counts it (§4.4.3.3).
    feed(pub.segment(2000, 50));
    await writer.idle();
    expect(read('video.m3u8')).toMatch(/#EXT-X-MEDIA-SEQUENCE:5\n#EXT-X-DISCONTINUITY-SEQUENCE:1\n#EXT-X-MAP/);
  });

  test('live: the end of the stream (after endAfter) adds EXT-X-ENDLIST and keeps the last window', async () => {
    const { writer, timers, feed } = setup({}, 2);
    const pub = new FakePublish({ tracks: [kAudio], partMs: 0 });
    feed(pub.init());
    for (let i = 0; i < 3; i++) feed(pub.segment(2000, 50));
    feed(pub.end());
    await writer.idle();
    expect(read('audio.m3u8')).not.toContain('ENDLIST');
    expect(writer.streams()).toEqual(['live/cam']);
    timers.fire(0); // endAfter: 0
    await writer.idle();
    expect(writer.streams()).toEqual([]);
    const playlist = read('audio.m3u8');
    expect(playlist).toMatch(/#EXT-X-MEDIA-SEQUENCE:1\n[\s\S]*seg-2-audio.m4s\n#EXT-X-ENDLIST\n$/);
    expect(playlist).not.toContain('PLAYLIST-TYPE');
  });

  test('vod: EVENT while live, then VOD with every segment, the republish discontinuity and ENDLIST', async () => {
    const { writer, timers, feed } = setup({ vod: true }, 2);
    const first = new FakePublish({ tracks: [kVideo], partMs: 0 });
    feed(first.init());
    for (let i = 0; i < 4; i++) feed(first.segment(2000, 50));
    feed(first.end());
    await writer.idle();
    expect(read('video.m3u8')).toMatch(/#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-MEDIA-SEQUENCE:0\n/);
    // Back within endAfter: the same recording goes on.
    const second = new FakePublish({ tracks: [kVideo], partMs: 0, publishId: 2 });
    feed(second.init());
    for (let i = 0; i < 2; i++) feed(second.segment(3000, 50));
    feed(second.end());
    timers.fire();
    await writer.idle();
    const playlist = read('video.m3u8');
    expect(playlist.split('\n').slice(0, 6)).toEqual([
      '#EXTM3U',
      '#EXT-X-VERSION:6',
      '#EXT-X-TARGETDURATION:3',
      '#EXT-X-PLAYLIST-TYPE:VOD',
      '#EXT-X-MEDIA-SEQUENCE:0',
      '#EXT-X-DISCONTINUITY-SEQUENCE:0',
    ]);
    expect(playlist.match(/^seg-\d+-video\.m4s$/gm)).toEqual([0, 1, 2, 3, 4, 5].map((n) => `seg-${n}-video.m4s`));
    expect(playlist).toContain('#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init-1-video.mp4"');
    expect(playlist.endsWith('#EXT-X-ENDLIST\n')).toBe(true);
    for (let n = 0; n < 6; n++) expect(files()).toContain(`seg-${n}-video.m4s`);
    expect(timers.pending.size).toBe(0);
  });

  test('a later publish after the end starts afresh: live deletes the old files, VOD moves them aside', async () => {
    for (const vod of [false, true]) {
      const { writer, timers, feed } = setup({ vod, now: () => Date.UTC(2026, 0, 2) });
      writeFileSync(join(root, 'keep-me.txt'), 'not ours');
      const first = new FakePublish({ tracks: [kVideo], partMs: 0 });
      feed(first.init());
      feed(first.segment(2000, 50));
      feed(first.end());
      timers.fire();
      await writer.idle();
      const second = new FakePublish({ tracks: [kVideo], partMs: 0, publishId: 2 });
      feed(second.init());
      feed(second.segment(2000, 50));
      await writer.idle();
      expect(files()).toEqual(['index.m3u8', 'init-1-video.mp4', 'seg-1-video.m4s', 'video.m3u8']);
      expect(read('video.m3u8')).toMatch(/#EXT-X-MEDIA-SEQUENCE:1\n/);
      const aside = join(root, 'live', 'cam.2026-01-02T00-00-00-000Z');
      expect(existsSync(aside)).toBe(vod);
      if (vod) expect(readFileSync(join(aside, 'video.m3u8'), 'utf8')).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
      expect(readFileSync(join(root, 'keep-me.txt'), 'utf8')).toBe('not ours');
      rmSync(join(root, 'live'), { recursive: true });
    }
  });

  test('a slow disk: segments past maxPendingBytes are skipped, listed as gaps, logged once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: FolderIo = {
      ...nodeFolderIo,
      async writeFile(d, name, bytes) {
        if (name.startsWith('seg-')) await gate;
        await nodeFolderIo.writeFile(d, name, bytes);
      },
    };
    const { writer, logs, feed } = setup({ io: slow, maxPendingBytes: 120 });
    const pub = new FakePublish({ tracks: [kVideo], partMs: 0 });
    feed(pub.init());
    for (let i = 0; i < 5; i++) feed(pub.segment(2000, 100));
    release();
    await writer.idle();
    expect(writer.counters()).toMatchObject({ segmentFiles: 1, droppedSegments: 4 });
    expect(files().filter((n) => n.startsWith('seg-'))).toEqual(['seg-0-video.m4s']);
    const playlist = read('video.m3u8');
    expect(playlist.match(/#EXT-X-GAP\n#EXTINF:2.000,\nseg-\d-video.m4s/g)).toHaveLength(4);
    expect(playlist).toMatch(/#EXTINF:2.000,\nseg-0-video.m4s/);
    const warnings = logs.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ msg: expect.stringMatching(/disk is behind/), fields: { stream: 'live/cam' } });
  });

  test('a folder that cannot be written: one error per cause, with the reason; nothing thrown', async () => {
    writeFileSync(join(root, 'live'), 'a file where the app folder should be');
    const { store, writer, logs, feed } = setup();
    const pub = new FakePublish({ tracks: [kVideo], partMs: 0 });
    feed(pub.init());
    for (let i = 0; i < 3; i++) feed(pub.segment(2000, 50));
    await writer.idle();
    const errors = logs.filter((l) => l.level === 'error');
    expect(errors.length).toBe(new Set(errors.map((e) => e.fields.code)).size);
    expect(errors[0]).toMatchObject({
      msg: 'hls folder: cannot create folder',
      fields: { stream: 'live/cam', code: expect.stringMatching(/ENOTDIR|EEXIST/), reason: expect.any(String) },
    });
    expect(writer.counters().failedOps).toBeGreaterThan(3);
    expect(store.get('live/cam')?.segments).toHaveLength(3);
    // A disk that fails with ENOSPC says so.
    const full: FolderIo = {
      ...nodeFolderIo,
      writeFile: () => Promise.reject(Object.assign(new Error('no space'), { code: 'ENOSPC' })),
    };
    const second = setup({ io: full, folder: join(root, 'other') });
    const pub2 = new FakePublish({ tracks: [kVideo], partMs: 0 });
    second.feed(pub2.init());
    second.feed(pub2.segment(2000, 50));
    await second.writer.idle();
    const errors2 = second.logs.filter((l) => l.level === 'error');
    expect(errors2).toHaveLength(1);
    expect(errors2[0]?.fields).toMatchObject({ code: 'ENOSPC', reason: 'no space left on the device' });
  });

  test('stream keys that are not safe folder names are refused (logged once), others still written', async () => {
    const { writer, logs, feed } = setup();
    for (const stream of ['live/..', '../cam', 'live/a\\b']) {
      const pub = new FakePublish({ stream, tracks: [kVideo], partMs: 0 });
      feed(pub.init());
      feed(pub.segment(2000, 50));
      feed(pub.init(1));
    }
    const ok = new FakePublish({ stream: 'live/ok', tracks: [kVideo], partMs: 0 });
    feed(ok.init());
    feed(ok.segment(2000, 50));
    await writer.idle();
    expect(writer.counters().refusedStreams).toBe(3);
    expect(logs.filter((l) => l.msg === 'hls folder: stream not written')).toHaveLength(3);
    expect(readdirSync(root)).toEqual(['live']);
    expect(readdirSync(join(root, 'live'))).toEqual(['ok']);
  });

  test('paths: streamDirectory and the files the writer owns', () => {
    expect(streamDirectory('/srv/hls', 'live/cam')).toEqual({ dir: '/srv/hls/live/cam' });
    for (const bad of ['live', 'a/b/c', 'live/', '/cam', 'live/.', '../x', 'live/.hidden', 'live/a\0b']) {
      expect(streamDirectory('/srv/hls', bad)).toHaveProperty('refused');
    }
    const own = ['index.m3u8', 'audio.m3u8', 'k1-init-3-video.mp4', 'k1-seg-12-audio.m4s', 'k1-seg-4.ts', '.k1-seg-4.ts.tmp'];
    for (const name of own) expect(isOwnFile(name)).toBe(true);
    for (const other of ['index.html', 'k1-seg-x.ts', 'notes.m3u8', 'k1-init-1.mp4', 'seg-1.ts']) {
      expect(isOwnFile(other)).toBe(false);
    }
  });

  test('close() ends every stream (ENDLIST) and deletes at once what waited for its grace', async () => {
    const { store, writer, feed } = setup({}, 2);
    const pub = new FakePublish({ tracks: [kVideo], partMs: 0 });
    feed(pub.init());
    for (let i = 0; i < 4; i++) feed(pub.segment(2000, 50));
    await writer.idle();
    expect(files()).toContain('seg-0-video.m4s');
    store.close();
    await writer.close();
    expect(files()).toEqual(['index.m3u8', 'init-0-video.mp4', 'seg-2-video.m4s', 'seg-3-video.m4s', 'video.m3u8']);
    expect(read('video.m3u8').endsWith('#EXT-X-ENDLIST\n')).toBe(true);
  });
});
