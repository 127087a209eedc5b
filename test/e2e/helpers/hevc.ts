/**
 * HEVC for Enhanced RTMP tests. Debian's ffmpeg 5.1 cannot put HEVC in FLV,
 * so: libx265 writes a fragmented MP4 (the codec's hvcC and length-prefixed
 * samples, exactly what E-RTMP carries), this file reads it back into samples
 * (moov/mvex/trex defaults, moof/traf/tfhd/tfdt/trun, ISO/IEC 14496-12
 * §8.8), and turns them into E-RTMP video tag bodies (FourCC `hvc1`,
 * SequenceStart, CodedFrames with a composition time, CodedFramesX) that the
 * test client publishes.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { workDir } from './media';

export interface HevcClip {
  file: string;
  seconds: number;
  fps: number;
  frames: number;
}

/** A yuv420p HEVC clip (testsrc2) with B-frames, a keyframe every second, fragmented MP4. */
export function makeHevcClip(opts: { seconds?: number; size?: string } = {}): HevcClip {
  const seconds = opts.seconds ?? 2;
  const size = opts.size ?? '320x240';
  const fps = 25; // 40 ms per frame: whole milliseconds on RTMP's clock
  const file = path.join(workDir(), `hevc-${seconds}-${size}.mp4`);
  if (!fs.existsSync(file)) {
    execFileSync('ffmpeg', [
      ...['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${fps}`, '-t', String(seconds)],
      ...['-c:v', 'libx265', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-tag:v', 'hvc1'],
      ...['-x265-params', `keyint=${fps}:min-keyint=${fps}:scenecut=0:bframes=2:log-level=error`],
      ...['-movflags', 'frag_keyframe+empty_moov+default_base_moof', '-f', 'mp4', file],
    ]);
  }
  return { file, seconds, fps, frames: seconds * fps };
}

export interface Mp4Sample {
  /** Decode time and composition offset, in the track's timescale. */
  dts: number;
  cts: number;
  keyframe: boolean;
  data: Buffer;
}

export interface Mp4Track {
  /** The sample entry's codec configuration box body (hvcC, avcC…). */
  config: Buffer;
  timescale: number;
  samples: Mp4Sample[];
}

interface Box {
  type: string;
  start: number;
  body: number;
  end: number;
}

function children(buf: Buffer, from: number, to: number): Box[] {
  const out: Box[] = [];
  for (let at = from; at + 8 <= to; ) {
    let size = buf.readUInt32BE(at);
    let body = at + 8;
    if (size === 1) {
      size = Number(buf.readBigUInt64BE(at + 8));
      body += 8;
    } else if (size === 0) size = to - at;
    if (size < 8 || at + size > to) throw new Error(`bad box at ${at}`);
    out.push({ type: buf.toString('latin1', at + 4, at + 8), start: at, body, end: at + size });
    at += size;
  }
  return out;
}

function child(buf: Buffer, parent: Box, type: string): Box {
  const found = children(buf, parent.body, parent.end).find((b) => b.type === type);
  if (!found) throw new Error(`no ${type} in ${parent.type}`);
  return found;
}

/** The body of the first box named `type` anywhere in [from, to) (a byte search: ffmpeg's output only). */
function findBody(buf: Buffer, type: string, from: number, to: number): Buffer {
  const at = buf.indexOf(type, from, 'latin1');
  if (at < from + 4 || at >= to) throw new Error(`no ${type} box`);
  return buf.subarray(at + 4, at - 4 + buf.readUInt32BE(at - 4));
}

const NON_SYNC = 0x10000; // sample_is_non_sync_sample in sample flags (§8.8.3.1)

/** The single video track of a fragmented MP4 written by ffmpeg. */
export function readFragmentedMp4(file: string, configBox = 'hvcC'): Mp4Track {
  const buf = fs.readFileSync(file);
  const top = children(buf, 0, buf.length);
  const moov = top.find((b) => b.type === 'moov');
  if (!moov) throw new Error('no moov');
  const config = findBody(buf, configBox, moov.body, moov.end);
  const mdhd = findBody(buf, 'mdhd', moov.body, moov.end);
  const timescale = mdhd.readUInt32BE(mdhd[0] === 1 ? 20 : 12);
  const trex = findBody(buf, 'trex', moov.body, moov.end);
  const defaults = { duration: trex.readUInt32BE(12), size: trex.readUInt32BE(16), flags: trex.readUInt32BE(20) };

  const samples: Mp4Sample[] = [];
  for (const moof of top.filter((b) => b.type === 'moof')) {
    const traf = child(buf, moof, 'traf');
    const tfhd = child(buf, traf, 'tfhd');
    const tfhdFlags = buf.readUIntBE(tfhd.body + 1, 3);
    let p = tfhd.body + 8;
    let base = moof.start; // default-base-is-moof (0x20000), as asked of ffmpeg
    if (tfhdFlags & 0x1) {
      base = Number(buf.readBigUInt64BE(p));
      p += 8;
    }
    if (tfhdFlags & 0x2) p += 4;
    let duration = defaults.duration;
    let size = defaults.size;
    let flags = defaults.flags;
    if (tfhdFlags & 0x8) (duration = buf.readUInt32BE(p)), (p += 4);
    if (tfhdFlags & 0x10) (size = buf.readUInt32BE(p)), (p += 4);
    if (tfhdFlags & 0x20) flags = buf.readUInt32BE(p);
    const tfdt = child(buf, traf, 'tfdt');
    let dts = buf[tfdt.body] === 1 ? Number(buf.readBigUInt64BE(tfdt.body + 4)) : buf.readUInt32BE(tfdt.body + 4);
    for (const trun of children(buf, traf.body, traf.end).filter((b) => b.type === 'trun')) {
      const version = buf[trun.body]!;
      const f = buf.readUIntBE(trun.body + 1, 3);
      const count = buf.readUInt32BE(trun.body + 4);
      let q = trun.body + 8;
      let offset = base;
      if (f & 0x1) (offset = base + buf.readInt32BE(q)), (q += 4);
      let firstFlags: number | undefined;
      if (f & 0x4) (firstFlags = buf.readUInt32BE(q)), (q += 4);
      for (let i = 0; i < count; i++) {
        const d = f & 0x100 ? buf.readUInt32BE(q) : duration;
        if (f & 0x100) q += 4;
        const s = f & 0x200 ? buf.readUInt32BE(q) : size;
        if (f & 0x200) q += 4;
        let sf = i === 0 && firstFlags !== undefined ? firstFlags : flags;
        if (f & 0x400) (sf = buf.readUInt32BE(q)), (q += 4);
        let cts = 0;
        if (f & 0x800) (cts = version === 0 ? buf.readUInt32BE(q) : buf.readInt32BE(q)), (q += 4);
        samples.push({ dts, cts, keyframe: (sf & NON_SYNC) === 0, data: buf.subarray(offset, offset + s) });
        offset += s;
        dts += d;
      }
    }
  }
  return { config, timescale, samples };
}

export interface VideoTag {
  /** RTMP message timestamp (decode time, ms). */
  timestamp: number;
  body: Buffer;
}

// Enhanced RTMP (v1) video tag header: IsExHeader bit, frame type, packet type, FourCC.
const EX_HEADER = 0x80;
const KEY_FRAME = 1 << 4;
const INTER_FRAME = 2 << 4;
const SEQUENCE_START = 0;
const CODED_FRAMES = 1; // followed by an SI24 composition time offset
const CODED_FRAMES_X = 3; // composition time offset zero, not sent

/** E-RTMP tag bodies: the sequence start (hvcC), then every sample; timestamps from 0. */
export function eRtmpVideoTags(track: Mp4Track, fourCc = 'hvc1'): VideoTag[] {
  const ms = (t: number) => Math.round((t * 1000) / track.timescale);
  const first = track.samples[0]?.dts ?? 0;
  const tag = (head: number, rest: Buffer[]) => Buffer.concat([Buffer.from([head]), Buffer.from(fourCc, 'latin1'), ...rest]);
  const tags: VideoTag[] = [{ timestamp: 0, body: tag(EX_HEADER | KEY_FRAME | SEQUENCE_START, [track.config]) }];
  for (const s of track.samples) {
    const frame = s.keyframe ? KEY_FRAME : INTER_FRAME;
    const cts = ms(s.dts + s.cts) - ms(s.dts);
    if (cts === 0) {
      tags.push({ timestamp: ms(s.dts - first), body: tag(EX_HEADER | frame | CODED_FRAMES_X, [s.data]) });
    } else {
      const si24 = Buffer.alloc(3);
      si24.writeIntBE(cts, 0, 3);
      tags.push({ timestamp: ms(s.dts - first), body: tag(EX_HEADER | frame | CODED_FRAMES, [si24, s.data]) });
    }
  }
  return tags;
}
