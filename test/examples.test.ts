/**
 * examples/ as a user runs them (examples/README.md): they import 'rtmp-engine',
 * which Node resolves to this checkout's dist/ through package.json "exports",
 * and `npm run example -- <name>` (scripts/run-example.js) compiles and starts
 * one. Here: the examples type-check against the built package, and each one
 * starts on free ports, answers there (an RTMP handshake; HTTP where it has
 * it), and exits cleanly on SIGTERM. Every child is time-boxed and killed.
 */
import { type ChildProcess, execFileSync, spawn } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import * as http from 'http';
import * as net from 'net';
import { tmpdir } from 'os';
import { join } from 'path';

import { run as runProcess } from './e2e/helpers/ffmpeg';
import { ensureDist } from './helpers/dist';

const ROOT = join(__dirname, '..');
const RUNNER = join(ROOT, 'scripts', 'run-example.js');
const EXAMPLES = readdirSync(join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();

interface Running {
  child: ChildProcess;
  detached: boolean;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(name: string, args: string[], cwd: string, detached = false): Running {
  const child = spawn(process.execPath, [RUNNER, name, ...args], {
    cwd,
    detached,
    env: { ...process.env, NODE_OPTIONS: '', PORT: '0', HTTP_PORT: '0', AUTH_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, detached, output: () => output, exited };
}

/** Polls the output for `pattern` until the child exits or `timeoutMs` passes. */
async function waitFor(run: Running, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  let gone = false;
  void run.exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = pattern.exec(run.output());
    if (m) return m;
    if (gone || Date.now() > deadline) {
      throw new Error(`${gone ? 'exited' : 'timed out'} before printing ${pattern}; output:\n${run.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops the child with SIGTERM (SIGKILL after timeoutMs) and returns how it ended. */
async function stop(run: Running, timeoutMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  run.child.kill('SIGTERM');
  const timer = setTimeout(() => run.child.kill('SIGKILL'), timeoutMs);
  const end = await run.exited;
  clearTimeout(timer);
  return end;
}

/** C0 + C1 to an RTMP port; resolves with the first byte of the answer (S0: the version, 3). */
function rtmpVersion(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(10_000, () => socket.destroy(new Error('no handshake answer')));
    socket.once('connect', () => socket.write(Buffer.concat([Buffer.from([3]), Buffer.alloc(1536)])));
    socket.once('data', (d: Buffer) => {
      socket.destroy();
      resolve(d[0]!);
    });
    socket.once('error', reject);
  });
}

function request(url: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: body === undefined ? 'GET' : 'POST', timeout: 10_000 }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.once('timeout', () => req.destroy(new Error(`no answer from ${url}`)));
    req.once('error', reject);
    req.end(body);
  });
}

const RTMP_LINE = /RTMP on rtmp:\/\/127\.0\.0\.1:(\d+)\//;

let work: string;
const running: Running[] = [];

beforeAll(() => {
  ensureDist();
  work = mkdtempSync(join(tmpdir(), 'rtmp-examples-'));
}, 200_000);

afterEach(() => {
  for (const r of running.splice(0)) {
    r.child.kill('SIGKILL');
    if (r.detached && r.child.pid !== undefined) {
      try {
        process.kill(-r.child.pid, 'SIGKILL'); // its process group: the example too
      } catch {
        // the group is gone
      }
    }
  }
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('examples', () => {
  it('all import the package by name, never ../lib', () => {
    for (const name of EXAMPLES) {
      const source = readFileSync(join(ROOT, 'examples', `${name}.ts`), 'utf8');
      expect({ name, relative: /from '\.\.?\//.test(source) }).toEqual({ name, relative: false });
      expect({ name, byName: source.includes("from 'rtmp-engine'") }).toEqual({ name, byName: true });
    }
  });

  it('each is listed with its command in examples/README.md', () => {
    const readme = readFileSync(join(ROOT, 'examples', 'README.md'), 'utf8');
    for (const name of EXAMPLES) expect({ name, listed: readme.includes(`npm run example -- ${name}`) }).toEqual({ name, listed: true });
  });

  it('type-check against the built package (examples/tsconfig.json)', () => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    // Throws with tsc's diagnostics on stdout when any example does not compile.
    execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'examples', 'tsconfig.json'), '--noEmit'], {
      cwd: ROOT,
      timeout: 120_000,
      encoding: 'utf8',
    });
  }, 150_000);

  it('the runner lists the examples and refuses an unknown name', () => {
    const list = execFileSync(process.execPath, [RUNNER], { encoding: 'utf8', timeout: 20_000 });
    for (const name of EXAMPLES) expect(list).toContain(name);
    let failed: { status?: number; stderr?: string } = {};
    try {
      execFileSync(process.execPath, [RUNNER, 'no-such-example'], { encoding: 'utf8', timeout: 20_000, stdio: 'pipe' });
    } catch (err) {
      failed = err as { status?: number; stderr?: string };
    }
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('no example named "no-such-example"');
  });
});

describe('examples start, answer on their ports and stop on SIGTERM', () => {
  // The first run compiles examples/ into dist/examples: a longer box.
  const BOX = 150_000;

  it('basic-server: RTMP, the HTTP dashboard, and the stream key: wrong one refused, right one live', async () => {
    const run = start('basic-server', [], work);
    running.push(run);
    const rtmp = Number((await waitFor(run, RTMP_LINE, 120_000))[1]);
    const httpPort = Number((await waitFor(run, /HTTP on http:\/\/127\.0\.0\.1:(\d+)\//, 10_000))[1]);
    expect(await rtmpVersion(rtmp)).toBe(3);
    expect((await request(`http://127.0.0.1:${httpPort}/`)).status).toBe(200);
    // The test pattern of the README, for 2 s: refused with a wrong key, live with the right one.
    const pattern = (name: string): string[] => [
      '-v', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=30', '-f', 'lavfi', '-i', 'sine', '-t', '2',
      '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', '60', '-c:a', 'aac', '-f', 'flv',
      `rtmp://127.0.0.1:${rtmp}/live/${name}`,
    ];
    expect(await runProcess('ffmpeg', pattern('wrong?key=nope'), 60_000).exited).not.toBe(0);
    expect(await runProcess('ffmpeg', pattern('cam?key=secret'), 60_000).exited).toBe(0);
    await waitFor(run, /^▶ live\/cam from 127\.0\.0\.1: H264 320x180/m, 10_000);
    expect(run.output()).not.toMatch(/^▶ live\/wrong/m);
    expect(await stop(run)).toEqual({ code: 0, signal: null });
  }, BOX);

  it('express-hls: RTMP and the Express app', async () => {
    const run = start('express-hls', [], work);
    running.push(run);
    const rtmp = Number((await waitFor(run, RTMP_LINE, 120_000))[1]);
    const httpPort = Number((await waitFor(run, /HLS at http:\/\/127\.0\.0\.1:(\d+)\//, 10_000))[1]);
    expect(await rtmpVersion(rtmp)).toBe(3);
    expect(await request(`http://127.0.0.1:${httpPort}/health`)).toEqual({ status: 200, text: '{"ok":true}' });
    expect(await stop(run)).toEqual({ code: 0, signal: null });
  }, BOX);

  it('webhook-server: RTMP and its stand-in auth service on a free port', async () => {
    const run = start('webhook-server', [], work);
    running.push(run);
    const auth = (await waitFor(run, /auth service at (http:\/\/127\.0\.0\.1:\d+\/rtmp-auth)/, 120_000))[1]!;
    const rtmp = Number((await waitFor(run, RTMP_LINE, 10_000))[1]);
    expect(await rtmpVersion(rtmp)).toBe(3);
    const answer = await request(auth, JSON.stringify({ action: 'publish', app: 'live', name: 'sk_alice_9f3b' }));
    expect(JSON.parse(answer.text)).toEqual({ allow: true, name: 'alice' });
    expect(await stop(run)).toEqual({ code: 0, signal: null });
  }, BOX);

  it.each([
    ['signed-url-server', []],
    ['packets-info', ['live/cam']],
    ['motion-detect', ['live/cam']],
    ['frames-to-jpeg', ['live/cam', 'shots']],
  ])('%s: RTMP', async (name, args) => {
    const run = start(name, args, work);
    running.push(run);
    const rtmp = Number((await waitFor(run, RTMP_LINE, 120_000))[1]);
    expect(await rtmpVersion(rtmp)).toBe(3);
    expect(await stop(run)).toEqual({ code: 0, signal: null });
  }, BOX);

  it('basic-server: Ctrl-C (SIGINT to the whole process group, twice as under npm) closes it once', async () => {
    const run = start('basic-server', [], work, true);
    running.push(run);
    await waitFor(run, RTMP_LINE, 120_000);
    process.kill(-run.child.pid!, 'SIGINT');
    process.kill(-run.child.pid!, 'SIGINT');
    const timer = setTimeout(() => process.kill(-run.child.pid!, 'SIGKILL'), 20_000);
    const end = await run.exited;
    clearTimeout(timer);
    expect(end).toEqual({ code: 0, signal: null });
    expect(run.output().match(/^closed: /gm)).toHaveLength(1);
  }, BOX);

  it('covers every example', () => {
    const smoked = ['basic-server', 'express-hls', 'webhook-server', 'signed-url-server', 'packets-info', 'motion-detect', 'frames-to-jpeg'];
    expect([...smoked].sort()).toEqual(EXAMPLES);
  });
});
