/**
 * Keyframe interval, GOP length and A/V timestamp skew of one stream, measured
 * from its packets (server.onPackets) — numbers the engine does not count.
 *
 * - Keyframe interval: the mean dts distance between the last (up to 10)
 *   consecutive keyframes; GOP length: video frames from the previous keyframe
 *   to the last one.
 * - A/V skew: the newest video dts minus the newest audio dts, taken at each
 *   packet once both tracks have one, averaged over the last 250 packets.
 *   Positive: video runs ahead of audio. An encoder that interleaves by
 *   timestamp keeps it within a frame or two; a growing value is drift.
 *
 * A discontinuity (republish) starts over.
 */
import type { Packet } from '../media/packets';

const KEYFRAME_INTERVALS = 10;
const SKEW_SAMPLES = 250;

export interface TimingReport {
  /** Mean ms between keyframes; null before two keyframes. */
  keyframeIntervalMs: number | null;
  /** Video frames in the last complete GOP; null before two keyframes. */
  gopFrames: number | null;
  /** Mean video dts − audio dts (ms); null without both tracks. */
  avSkewMs: number | null;
}

export class StreamTiming {
  private lastKeyDts: number | undefined;
  private framesSinceKey = 0;
  private gopFrames: number | null = null;
  private readonly intervals: number[] = [];
  private lastVideoDts: number | undefined;
  private lastAudioDts: number | undefined;
  private readonly skews: number[] = [];
  private skewNext = 0;

  feed(p: Packet): void {
    if (p.discontinuity) this.reset();
    if (p.kind === 'audio') {
      this.lastAudioDts = p.dts;
    } else {
      this.lastVideoDts = p.dts;
      if (p.keyframe) {
        if (this.lastKeyDts !== undefined && p.dts > this.lastKeyDts) {
          this.intervals.push(p.dts - this.lastKeyDts);
          if (this.intervals.length > KEYFRAME_INTERVALS) this.intervals.shift();
          this.gopFrames = this.framesSinceKey;
        }
        this.lastKeyDts = p.dts;
        this.framesSinceKey = 1;
      } else {
        this.framesSinceKey++;
      }
    }
    if (this.lastVideoDts !== undefined && this.lastAudioDts !== undefined) {
      const skew = this.lastVideoDts - this.lastAudioDts;
      if (this.skews.length < SKEW_SAMPLES) this.skews.push(skew);
      else this.skews[this.skewNext] = skew;
      this.skewNext = (this.skewNext + 1) % SKEW_SAMPLES;
    }
  }

  report(): TimingReport {
    const mean = (xs: readonly number[]): number | null =>
      xs.length === 0 ? null : Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
    return {
      keyframeIntervalMs: mean(this.intervals),
      gopFrames: this.gopFrames,
      avSkewMs: mean(this.skews),
    };
  }

  private reset(): void {
    this.lastKeyDts = undefined;
    this.framesSinceKey = 0;
    this.gopFrames = null;
    this.intervals.length = 0;
    this.lastVideoDts = undefined;
    this.lastAudioDts = undefined;
    this.skews.length = 0;
    this.skewNext = 0;
  }
}
