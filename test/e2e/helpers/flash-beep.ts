/**
 * An A/V sync source and its detectors. ffmpeg draws a black picture that
 * turns white for ~100 ms and plays a 1 kHz tone for 100 ms, both starting at
 * the same media instants (t = offset + k·period), encodes H.264 + AAC and
 * publishes it live (-re) over RTMP. The detectors find those instants again
 * in decoded frames: the video flash as a jump of the mean luma of `gray`
 * frames, the audio onset as the first loud `s16` sample after silence.
 */
import type { AudioFrame, VideoFrame } from '../../../lib';
import { run, type Proc } from './ffmpeg';

export interface FlashBeepSchedule {
  /** Seconds of media published. */
  seconds: number;
  /** Seconds between two events. */
  periodS: number;
  /** Media time of the first event (s). */
  offsetS: number;
  /** How long each flash and beep lasts (s). */
  lengthS: number;
}

export const DEFAULT_SCHEDULE: FlashBeepSchedule = { seconds: 62, periodS: 2, offsetS: 1, lengthS: 0.1 };

/** Events the source holds (t = offset + k·period, the whole event inside the media). */
export function expectedEvents(s: FlashBeepSchedule): number {
  return Math.floor((s.seconds - s.offsetS - s.lengthS) / s.periodS) + 1;
}

/**
 * Publishes the flash + beep source to `url` in real time. The flash window
 * opens 10 ms early so that the frame at exactly offset + k·period is the
 * first white one whatever the rounding of t = n/30 (the frames before and
 * after it are 33 ms away); the tone starts at the exact sample (n/44100 is
 * exact at whole seconds).
 */
export function publishFlashBeep(url: string, s: FlashBeepSchedule, size = '320x240'): Proc {
  const phase = `mod(t-${s.offsetS},${s.periodS})`;
  const flash = `gte(${phase},${s.periodS}-0.01)+lt(${phase},${s.lengthS}-0.01)`;
  const beep = `lt(${phase},${s.lengthS})*gte(t,${s.offsetS})`;
  const args = [
    '-v', 'error', '-re',
    '-f', 'lavfi', '-i', `color=c=black:s=${size}:r=30,drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='${flash}'`,
    '-f', 'lavfi', '-i', `aevalsrc='${beep}*0.5*sin(2*PI*1000*t)':s=44100`,
    '-t', String(s.seconds),
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', '60', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '64k',
    '-f', 'flv', url,
  ];
  return run('ffmpeg', args, (s.seconds + 30) * 1000);
}

/** Mean of the visible luma of a `gray` frame (every 4th pixel of every 4th row: plenty for a full-frame flash). */
export function meanLuma(f: VideoFrame): number {
  const plane = f.planes[0]!;
  let sum = 0;
  let n = 0;
  for (let y = 0; y < f.height; y += 4) {
    const row = y * plane.stride;
    for (let x = 0; x < f.width; x += 4) {
      sum += plane.data[row + x]!;
      n++;
    }
  }
  return n ? sum / n : 0;
}

/** Times (ms, pts) of the frames where the picture goes from dark to bright. */
export class FlashDetector {
  readonly flashes: number[] = [];
  private bright = false;

  add(f: VideoFrame): void {
    const now = meanLuma(f) > 128;
    if (now && !this.bright) this.flashes.push(f.pts);
    this.bright = now;
  }
}

/**
 * Times (ms, pts + sample index / rate) of the first sample above `threshold`
 * after at least `quietMs` of samples below it. Interleaved s16: a sample
 * frame is loud when any channel is.
 */
export class OnsetDetector {
  readonly onsets: number[] = [];
  private lastLoudMs = -Infinity;

  constructor(private readonly threshold = 4000, private readonly quietMs = 500) {}

  add(f: AudioFrame): void {
    const data = f.data!;
    const samples = new Int16Array(data.buffer, data.byteOffset, f.samples * f.channels);
    for (let i = 0; i < f.samples; i++) {
      let loud = false;
      for (let c = 0; c < f.channels; c++) {
        if (Math.abs(samples[i * f.channels + c]!) > this.threshold) loud = true;
      }
      if (!loud) continue;
      const ms = f.pts + (i * 1000) / f.sampleRate;
      if (ms - this.lastLoudMs >= this.quietMs) this.onsets.push(ms);
      this.lastLoudMs = ms;
    }
  }
}
