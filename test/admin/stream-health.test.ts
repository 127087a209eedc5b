/**
 * Keyframe interval, GOP length and A/V skew from packets (StreamTiming), the
 * inspector that opens packet subscriptions only for streams being looked at,
 * and the health notes computed from the numbers.
 */
import { streamHealth, type HealthInput } from '../../lib/admin/stream-health';
import { StreamInspector } from '../../lib/admin/stream-inspector';
import { StreamTiming } from '../../lib/admin/stream-timing';
import type { Packet } from '../../lib/media/packets';

function packet(kind: 'video' | 'audio', dts: number, keyframe = false, discontinuity = false): Packet {
  return {
    kind, codec: kind === 'video' ? 'avc1.64001f' : 'mp4a.40.2', timestamp: dts, pts: dts, dts, keyframe,
    type: keyframe ? 'key' : 'delta', timestampUs: dts * 1000, data: Buffer.alloc(0), droppedBefore: 0, discontinuity,
  } as Packet;
}

/** `seconds` of 30 fps video with a keyframe every `gop` frames, audio every ~23 ms `skew` ms behind. */
function feedStream(t: StreamTiming, seconds: number, gop: number, skew = 0, from = 0): void {
  let audio = from - skew;
  for (let f = 0; f < seconds * 30; f++) {
    const dts = from + Math.round((f * 1000) / 30);
    t.feed(packet('video', dts, f % gop === 0));
    while (audio <= dts - skew) {
      t.feed(packet('audio', audio));
      audio += 23;
    }
  }
}

describe('StreamTiming', () => {
  it('measures the keyframe interval and the GOP length', () => {
    const t = new StreamTiming();
    expect(t.report()).toEqual({ keyframeIntervalMs: null, gopFrames: null, avSkewMs: null });
    feedStream(t, 10, 60);
    expect(t.report()).toMatchObject({ keyframeIntervalMs: 2000, gopFrames: 60 });
    expect(Math.abs(t.report().avSkewMs as number)).toBeLessThan(30);
  });

  it('sees audio running behind video, and starts over at a discontinuity', () => {
    const t = new StreamTiming();
    feedStream(t, 5, 30, 400);
    expect(t.report().avSkewMs).toBeGreaterThan(370);
    expect(t.report().avSkewMs).toBeLessThan(430);
    t.feed(packet('video', 100_000, true, true));
    expect(t.report()).toEqual({ keyframeIntervalMs: null, gopFrames: null, avSkewMs: null });
  });
});

describe('StreamInspector', () => {
  it('subscribes on the first ask, keeps one per stream, ends idle ones and gives way past maxStreams', () => {
    let now = 0;
    const open: string[] = [];
    const feeds = new Map<string, (p: Packet) => void>();
    const inspector = new StreamInspector(
      (path, onPacket) => {
        open.push(path);
        feeds.set(path, onPacket);
        return () => open.splice(open.indexOf(path), 1);
      },
      { idleMs: 60_000, maxStreams: 2, now: () => now },
    );
    expect(inspector.peek('live/a')).toBeUndefined();
    inspector.inspect('live/a');
    inspector.inspect('live/a');
    expect(open).toEqual(['live/a']);
    for (let i = 0; i < 3; i++) feeds.get('live/a')?.(packet('video', i * 1000, true));
    expect(inspector.peek('live/a')).toMatchObject({ keyframeIntervalMs: 1000 });

    now = 30_000;
    inspector.inspect('live/b');
    now = 70_000;
    inspector.sweep();
    expect(open).toEqual(['live/b']);
    inspector.inspect('live/c');
    inspector.inspect('live/d');
    expect(open).toEqual(['live/c', 'live/d']);
    inspector.close();
    expect(open).toEqual([]);
  });

  it('keeps nothing when the subscription ends at once (no such stream)', () => {
    let opened = 0;
    const inspector = new StreamInspector((_path, _onPacket, onEnd) => {
      opened++;
      onEnd();
      return () => undefined;
    });
    expect(inspector.inspect('live/gone')).toEqual({ keyframeIntervalMs: null, gopFrames: null, avSkewMs: null });
    expect(inspector.paths()).toEqual([]);
    inspector.inspect('live/gone');
    expect(opened).toBe(2);
  });
});

describe('streamHealth', () => {
  const healthy: HealthInput = {
    hasVideo: true, declaredFps: 30, measuredFps: 29.9, samples: 60, recentKbps: 2500, earlierKbps: 2450,
    keyframeIntervalMs: 2000, avSkewMs: 20, ingestDrops: 0, playerDroppedVideo: 0,
  };
  const codes = (i: Partial<HealthInput>) => streamHealth({ ...healthy, ...i }).notes.map((n) => n.code);

  it('says nothing for a healthy stream, and "unknown" while too young to tell', () => {
    expect(streamHealth(healthy)).toEqual({ status: 'ok', notes: [] });
    expect(streamHealth({ ...healthy, samples: 2, measuredFps: null, earlierKbps: null }).status).toBe('unknown');
  });

  it('puts each problem in words', () => {
    expect(streamHealth({ ...healthy, keyframeIntervalMs: 8000 }).notes).toEqual([
      { code: 'keyframe_interval_long', message: "keyframes every 8 s: set the encoder's keyframe interval to 2 s" },
    ]);
    expect(streamHealth({ ...healthy, avSkewMs: -400 }).notes[0]?.message).toBe('audio and video 400 ms apart (audio ahead)');
    expect(codes({ measuredFps: 20 })).toEqual(['fps_below_declared']);
    expect(codes({ measuredFps: 0 })).toEqual(['no_video']);
    expect(codes({ recentKbps: 900 })).toEqual(['bitrate_dropping']);
    expect(codes({ ingestDrops: 3, playerDroppedVideo: 40 })).toEqual(['ingest_drops', 'slow_players']);
    expect(streamHealth({ ...healthy, keyframeIntervalMs: 4000, avSkewMs: 300, measuredFps: 24 }).status).toBe('ok');
  });
});
