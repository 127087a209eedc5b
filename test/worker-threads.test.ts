/**
 * Several environments: servers inside worker_threads, side by side, and a
 * worker that is terminated (or exits) with its server live. The per-
 * environment cleanup hook must stop that engine: the port is freed and the
 * peer is closed, and the main thread is unaffected.
 */
import { once } from 'events';
import * as path from 'path';
import { Worker } from 'worker_threads';

import { describeWithAddon } from './helpers/addon';
import { collect, spawnTs } from './helpers/child';
import { RtmpTestClient } from './helpers/rtmp-test-client';
import { connectionRefused } from './helpers/servers';
import { withTimeout } from './helpers/wait';

const WORKER = path.join(__dirname, 'helpers', 'server-worker.js');

interface WorkerReport {
  port: number;
  sessionId?: number;
  result?: { publishers: number; players: number; forced: number };
  error?: string;
}

function startWorker(mode: 'cycle' | 'stay'): { worker: Worker; report: Promise<WorkerReport>; exit: Promise<number> } {
  const worker = new Worker(WORKER, { workerData: { mode } });
  const report = withTimeout(`a report from the ${mode} worker`, once(worker, 'message'), 30_000).then(
    ([msg]) => msg as WorkerReport,
  );
  const exit = withTimeout(`the ${mode} worker to exit`, once(worker, 'exit'), 60_000).then(([code]) => code as number);
  return { worker, report, exit };
}

describeWithAddon('worker_threads', () => {
  const workers: Worker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.terminate()));
  });

  it('runs a server in each of two workers, each listening on port 0 and closing', async () => {
    const a = startWorker('cycle');
    const b = startWorker('cycle');
    workers.push(a.worker, b.worker);
    const [ra, rb] = await Promise.all([a.report, b.report]);
    expect(ra.error).toBeUndefined();
    expect(rb.error).toBeUndefined();
    expect(ra.port).toBeGreaterThan(0);
    expect(rb.port).toBeGreaterThan(0);
    expect(ra.port).not.toBe(rb.port);
    expect(ra.sessionId).toBeGreaterThan(0);
    expect(ra.result).toEqual({ publishers: 0, players: 0, forced: expect.any(Number) });
    await expect(Promise.all([a.exit, b.exit])).resolves.toEqual([0, 0]);
  });

  it('stops the engine when a worker with a live server and session is terminated', async () => {
    const w = startWorker('stay');
    workers.push(w.worker);
    const { port, error } = await w.report;
    expect(error).toBeUndefined();
    const client = await RtmpTestClient.connect(port, 'live');
    await client.publish('cam');
    await w.worker.terminate();
    await withTimeout('the peer to be closed', client.closed, 10_000);
    expect(await connectionRefused(port)).toBe(true);
  });

  it('stops the engine when a worker calls process.exit() with a live server', async () => {
    const w = startWorker('stay');
    workers.push(w.worker);
    const { port } = await w.report;
    const client = await RtmpTestClient.connect(port, 'live');
    await client.play('cam');
    w.worker.postMessage('exit');
    await expect(w.exit).resolves.toBe(0);
    await withTimeout('the peer to be closed', client.closed, 10_000);
    expect(await connectionRefused(port)).toBe(true);
  });

  // Runs in a child so an abort is a clear failure here, not a lost Jest worker.
  it('survives workers terminated while events and packets are being delivered', async () => {
    const rounds = 16;
    const result = await collect(spawnTs([path.join(__dirname, 'helpers', 'terminate-stress.ts'), String(rounds)]), 120_000);
    expect(result.stderr).not.toContain('FATAL ERROR');
    expect({ code: result.code, signal: result.signal }).toEqual({ code: 0, signal: null });
    expect(result.stdout).toContain(`ok ${rounds}`);
  }, 150_000);
});
