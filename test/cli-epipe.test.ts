/**
 * `rtmp-engine | head -c 100`: the reader of stdout goes away while the server
 * runs. The next log line fails with EPIPE; that must cost the log lines only,
 * never the server (issue 14). The child's stdout pipe is destroyed here after
 * the "listening" line, then sessions are opened (each logs), and the same
 * process must still answer RTMP publish/play and HTTP.
 */
import * as http from 'http';

import { describeWithAddon } from './helpers/addon';
import { collect, CRASH_PATTERN, spawnTs, waitForJsonLine } from './helpers/child';
import { RtmpTestClient } from './helpers/rtmp-test-client';
import { waitFor } from './helpers/wait';

function httpStatus(port: number, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('HTTP request timed out')));
    req.on('error', reject);
  });
}

/** A publisher and a player of the same stream; both get their Start status. */
async function publishAndPlay(port: number, name: string): Promise<void> {
  const publisher = await RtmpTestClient.connect(port, 'live');
  const player = await RtmpTestClient.connect(port, 'live');
  try {
    expect((await publisher.publish(name)).code).toBe('NetStream.Publish.Start');
    publisher.sendAacAudio();
    let status = await player.play(name);
    if (status.code === 'NetStream.Play.Reset') {
      // Reset comes first (a new playlist item), then Start.
      status = ((await player.waitForCommand((c) => c.name === 'onStatus')).args[1] ?? {}) as typeof status;
    }
    expect(status.code).toBe('NetStream.Play.Start');
  } finally {
    publisher.destroy();
    player.destroy();
  }
}

describeWithAddon('cli: a closed stdout', () => {
  jest.setTimeout(120_000);

  it('keeps serving RTMP and HTTP after the reader of stdout is gone', async () => {
    const child = spawnTs([
      'lib/cli.ts', '--host', '127.0.0.1', '--port', '0', '--http-host', '127.0.0.1', '--http-port', '0',
      '--io-threads', '1', '--log-level', 'debug',
    ]);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      const listening = await waitForJsonLine(child, (r) => r.msg === 'listening', 30_000);
      const rtmpPort = listening.port as number;
      const httpPort = listening.httpPort as number;
      child.stdout?.destroy(); // as `head -c 100` does once it has its bytes

      // Sessions log (debug and info lines): the first write after the close fails with EPIPE.
      await publishAndPlay(rtmpPort, 'first');
      await waitFor('the note that stdout closed', () => /stdout closed \(EPIPE\)/.test(stderr), 20_000);

      // Still the same process, still serving.
      await publishAndPlay(rtmpPort, 'second');
      expect(await httpStatus(httpPort)).toBeGreaterThanOrEqual(200);
      expect(child.exitCode).toBeNull();
      expect(child.signalCode).toBeNull();
      expect(stderr).not.toMatch(/Unhandled 'error' event|EPIPE.*\n\s+at /);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    expect(child.exitCode).toBe(0);
    expect(stderr).not.toMatch(CRASH_PATTERN);
  });
});
