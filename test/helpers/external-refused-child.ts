/**
 * Child of test/e2e/frames-external.test.ts, run with
 * RTMP_ENGINE_TEST_REFUSE_EXTERNAL_BUFFERS=1 (Jest's process.env is a copy the
 * addon's getenv() does not see): a server with frames.buffers 'external'
 * whose runtime "refuses" external ArrayBuffers. Two subscriptions take a few
 * frames each; prints one JSON line: what they were delivered into, whether
 * the views were readable before and after release(), and the warnings logged.
 *
 *   node -r ./test/helpers/register-ts.js test/helpers/external-refused-child.ts CLIP.flv
 */
import { spawn } from 'child_process';

import { createServer } from '../../lib';

async function main(): Promise<void> {
  const clip = process.argv[2]!;
  const warnings: string[] = [];
  const push = (fields: unknown, msg?: string): void => void warnings.push(`${JSON.stringify(fields)} ${msg ?? ''}`);
  const server = createServer({
    rtmp: { host: '127.0.0.1', port: 0 },
    http: false,
    logLevel: 'warn',
    logger: { info: () => {}, warn: push, error: push },
    frames: { buffers: 'external' },
  });
  const { port } = await server.listen();
  const ffmpeg = spawn('ffmpeg', ['-v', 'error', '-re', '-stream_loop', '-1', '-i', clip, '-c', 'copy', '-f', 'flv', `rtmp://127.0.0.1:${port}/live/refused`], { stdio: 'ignore' });
  const readable: boolean[] = [];
  const deadline = Date.now() + 30_000;
  let buffers: string[] = [];
  try {
    const offs = [1, 2].map(() =>
      server.onFrames('live/refused', { audio: false, wait: 20_000 }, (f) => {
        const view = f.planes[0]!.data;
        readable.push(view.byteLength > 0);
        f.release();
        readable.push(view.byteLength > 0); // a pool view is not detached
      }),
    );
    while (readable.length < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    buffers = server.frameSubscriptions().map((s) => s.buffers);
    for (const off of offs) off();
  } finally {
    ffmpeg.kill('SIGKILL');
    await server.close({ graceMs: 1000 });
  }
  process.stdout.write(`${JSON.stringify({ readable, buffers, warnings })}\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
