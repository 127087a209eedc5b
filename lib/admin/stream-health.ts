/**
 * A stream's health in plain words: what an operator would tell the person
 * at the encoder, computed from the numbers the API already shows (declared
 * vs measured fps, keyframe interval, ingest bitrate trend, A/V skew, drops).
 * Each note has a stable `code` for tools and a sentence for people.
 */
export interface HealthNote {
  code:
    | 'keyframe_interval_long'
    | 'fps_below_declared'
    | 'no_video'
    | 'bitrate_dropping'
    | 'av_skew'
    | 'ingest_drops'
    | 'slow_players';
  message: string;
}

export interface StreamHealth {
  /** "ok": nothing to say; "warning": see notes; "unknown": too young to tell (under 5 s of samples). */
  status: 'ok' | 'warning' | 'unknown';
  notes: HealthNote[];
}

export interface HealthInput {
  hasVideo: boolean;
  declaredFps: number | null;
  /** Mean over the last 5 s; null before two samples. */
  measuredFps: number | null;
  /** Samples taken so far (one a second). */
  samples: number;
  recentKbps: number | null;
  earlierKbps: number | null;
  keyframeIntervalMs: number | null;
  avSkewMs: number | null;
  ingestDrops: number;
  playerDroppedVideo: number;
}

/** Past this, HLS segments and a new player's start wait for keyframes: 2 s is what players and CDNs expect. */
const LONG_KEYFRAME_INTERVAL_MS = 4_000;
/** Lip sync is noticed from about 100–200 ms; 300 ms is past doubt. */
const AV_SKEW_MS = 300;
const MIN_SAMPLES = 5;

const seconds = (ms: number): string => (ms / 1_000).toFixed(ms % 1_000 === 0 ? 0 : 1);

export function streamHealth(i: HealthInput): StreamHealth {
  const notes: HealthNote[] = [];
  if (i.keyframeIntervalMs !== null && i.keyframeIntervalMs > LONG_KEYFRAME_INTERVAL_MS) {
    notes.push({
      code: 'keyframe_interval_long',
      message: `keyframes every ${seconds(i.keyframeIntervalMs)} s: set the encoder's keyframe interval to 2 s`,
    });
  }
  if (i.samples >= MIN_SAMPLES && i.hasVideo && i.measuredFps === 0) {
    notes.push({ code: 'no_video', message: 'no video frames for 5 s: the encoder stopped sending video' });
  } else if (i.samples >= MIN_SAMPLES && i.declaredFps && i.measuredFps !== null && i.measuredFps < 0.8 * i.declaredFps) {
    notes.push({
      code: 'fps_below_declared',
      message: `${i.measuredFps} fps measured, ${i.declaredFps} declared: the encoder cannot keep up (CPU) or frames are lost on the way`,
    });
  }
  if (i.recentKbps !== null && i.earlierKbps !== null && i.earlierKbps > 0 && i.recentKbps < 0.5 * i.earlierKbps) {
    notes.push({
      code: 'bitrate_dropping',
      message: `ingest bitrate dropping (${Math.round(i.recentKbps)} kbit/s over 10 s, ${Math.round(i.earlierKbps)} before): the encoder's uplink is saturated`,
    });
  }
  if (i.avSkewMs !== null && Math.abs(i.avSkewMs) > AV_SKEW_MS) {
    notes.push({
      code: 'av_skew',
      message: `audio and video ${Math.abs(i.avSkewMs)} ms apart (${i.avSkewMs > 0 ? 'video' : 'audio'} ahead)`,
    });
  }
  if (i.ingestDrops > 0) {
    notes.push({ code: 'ingest_drops', message: `${i.ingestDrops} messages from the encoder were not forwarded (see dropped.ingest)` });
  }
  if (i.playerDroppedVideo > 0) {
    notes.push({
      code: 'slow_players',
      message: `RTMP players skipped ${i.playerDroppedVideo} video frames: their connections are too slow for this bitrate`,
    });
  }
  const status = notes.length > 0 ? 'warning' : i.samples < MIN_SAMPLES ? 'unknown' : 'ok';
  return { status, notes };
}
