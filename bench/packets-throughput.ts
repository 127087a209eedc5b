/**
 * server.packets() throughput and cost (issue 12): ffmpeg publishes a clip as
 * fast as it can (no -re) while one `for await` loop takes every packet.
 *
 *   node -r ./test/helpers/register-ts.js bench/packets-throughput.ts [--size 1280x720] [--seconds 20] [--bitrate 4M]
 *
 * Reports one JSON line: packets and bytes delivered against the source's
 * counts (ffprobe), drops, packets/s and MB/s over the publish, and the whole
 * process's CPU (engine threads + JS) per packet. Bounded: 120 s for ffmpeg.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { createServer } from '../lib';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

async function main(): Promise<void> {
  const size = arg('size', '1280x720');
  const seconds = arg('seconds', '20');
  const bitrate = arg('bitrate', '4M');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packets-bench-'));
  const file = path.join(dir, 'clip.flv');
  execFileSync('ffmpeg', [
    '-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30`, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', seconds, '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', bitrate, '-g', '60', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '128k', '-f', 'flv', file,
  ]);
  const probe = execFileSync('ffprobe', ['-v', 'error', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', file])
    .toString()
    .split('\n')
    .filter(Boolean)
    .reduce((n, l) => n + Number(l), 0);

  const server = createServer({ rtmp: { host: '127.0.0.1', port: 0 }, http: false, logLevel: 'silent' });
  const { port } = await server.listen();
  let packets = 0;
  let bytes = 0;
  let dropped = 0;
  let first = 0;
  let last = 0;
  const cpu0 = process.cpuUsage();
  const iterator = server.packets('live/bench', { wait: true, queue: { maxPackets: 512 } });
  const consumer = (async () => {
    for await (const p of iterator) {
      if (packets === 0) first = performance.now();
      packets++;
      bytes += p.data.length;
      dropped += p.droppedBefore;
      last = performance.now();
    }
  })();
  const ffmpeg = spawn('ffmpeg', ['-v', 'error', '-i', file, '-c', 'copy', '-f', 'flv', `rtmp://127.0.0.1:${port}/live/bench`], {
    stdio: 'ignore',
  });
  const timer = setTimeout(() => ffmpeg.kill('SIGKILL'), 120_000);
  await new Promise((resolve) => ffmpeg.on('close', resolve));
  clearTimeout(timer);
  // Drained when the engine holds nothing for us and nothing came for 300 ms.
  while (performance.now() - last < 300 || (server.packetSubscriptions()[0]?.queued ?? 0) > 0) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const cpu = process.cpuUsage(cpu0);
  const engineDropped = server.packetSubscriptions()[0]?.dropped ?? -1;
  await iterator.return?.();
  await consumer;
  await server.close({ graceMs: 1000 });
  fs.rmSync(dir, { recursive: true, force: true });
  const ms = last - first;
  console.log(
    JSON.stringify({
      size,
      seconds: Number(seconds),
      bitrate,
      sourcePackets: probe,
      packets,
      dropped,
      engineDropped,
      mb: +(bytes / 1e6).toFixed(1),
      publishMs: Math.round(ms),
      packetsPerSec: Math.round((packets / ms) * 1000),
      mbPerSec: +(bytes / 1e3 / ms).toFixed(1),
      cpuUsPerPacket: +((cpu.user + cpu.system) / packets).toFixed(1),
    }),
  );
}

void main();
