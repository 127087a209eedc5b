/**
 * Real ffmpeg/ffprobe peers for end-to-end tests: publishers, players, and
 * packet hashes (framemd5) to compare what a player received with the source.
 * Every process is time-boxed and killed by stopAll().
 */
import { ChildProcess, execFile, spawn } from 'child_process';

const live = new Set<ChildProcess>();

export interface Proc {
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
}

export function run(cmd: string, args: string[], timeoutMs: number): Proc {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exited = new Promise<number | string>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      resolve(code ?? signal ?? -1);
    });
  });
  return { child, exited, stderr: () => err, stdout: () => out };
}

/** Publishes a file in real time (optionally looping) with stream copy. */
export function publish(file: string, url: string, opts: { loop?: boolean; timeoutMs?: number } = {}): Proc {
  const args = ['-v', 'error', '-re'];
  if (opts.loop) args.push('-stream_loop', '-1');
  args.push('-i', file, '-c', 'copy', '-f', 'flv', url);
  return run('ffmpeg', args, opts.timeoutMs ?? 60_000);
}

/** Plays a stream and prints per-packet hashes (stream copy, no decode). */
export function playFramemd5(url: string, opts: { seconds?: number; timeoutMs?: number } = {}): Proc {
  const args = ['-v', 'error', '-i', url];
  if (opts.seconds) args.push('-t', String(opts.seconds));
  args.push('-c', 'copy', '-f', 'framemd5', '-');
  return run('ffmpeg', args, opts.timeoutMs ?? 60_000);
}

/** Plays and decodes; with -v error ffmpeg prints nothing for a clean decode. */
export function playDecode(url: string, seconds: number, timeoutMs = 60_000): Proc {
  return run('ffmpeg', ['-v', 'error', '-i', url, '-t', String(seconds), '-f', 'null', '-'], timeoutMs);
}

/** Plays with stream copy into an FLV file. */
export function playToFile(url: string, file: string, seconds: number, timeoutMs = 60_000): Proc {
  return run('ffmpeg', ['-v', 'error', '-y', '-i', url, '-t', String(seconds), '-c', 'copy', '-f', 'flv', file], timeoutMs);
}

export function stopAll(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

export function execText(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} failed: ${stderr || err.message}`)) : resolve(stdout),
    );
  });
}

export interface Packet {
  stream: number;
  hash: string;
}

/** Parses ffmpeg's framemd5 output: "stream, dts, pts, duration, size, hash". */
export function parseFramemd5(text: string): Packet[] {
  const packets: Packet[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const cols = line.split(',').map((c) => c.trim());
    if (cols.length < 6) continue;
    packets.push({ stream: Number(cols[0]), hash: cols[5] as string });
  }
  return packets;
}

export async function framemd5OfFile(file: string): Promise<Packet[]> {
  return parseFramemd5(await execText('ffmpeg', ['-v', 'error', '-i', file, '-c', 'copy', '-f', 'framemd5', '-']));
}

/** Key-frame flags per video packet of a file, in order. */
export async function videoKeyFlags(file: string): Promise<boolean[]> {
  const out = await execText('ffprobe', [
    '-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=flags', '-of', 'csv=p=0', file,
  ]);
  return out.split('\n').filter(Boolean).map((flags) => flags.includes('K'));
}

/**
 * Checks that, per elementary stream, the received packets are a contiguous
 * run of the source's packets (the source may loop), byte for byte.
 * Returns a description of the first mismatch, or null when all match.
 */
export function compareWithSource(source: Packet[], received: Packet[], loops = true): string | null {
  const streams = new Set(received.map((p) => p.stream));
  for (const s of streams) {
    const src = source.filter((p) => p.stream === s).map((p) => p.hash);
    const got = received.filter((p) => p.stream === s).map((p) => p.hash);
    if (got.length === 0) continue;
    // Identical packets (e.g. AAC frames of a steady tone) can repeat, so try
    // every place the first received packet occurs.
    let matched = false;
    for (let start = 0; start < src.length && !matched; start++) {
      if (src[start] !== got[0]) continue;
      matched = got.every((h, i) => {
        const idx = loops ? (start + i) % src.length : start + i;
        return src[idx] === h;
      });
    }
    if (!matched) return `stream ${s}: ${got.length} received packets are not a contiguous run of the source`;
  }
  return null;
}
