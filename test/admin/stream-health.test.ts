/**
 * A stream's health in plain words from its numbers (declared vs measured fps,
 * keyframe interval and A/V skew kept by the engine, bitrate trend, drops).
 */
import { streamHealth, type HealthInput } from '../../lib/admin/stream-health';

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
