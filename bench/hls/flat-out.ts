/**
 * Cost per request with no pacing: nginx (sendfile, one worker) and Node's bare `http` module
 * (bare-origin.ts) each serve one file from the same folder, and a keep-alive client asks for
 * it back to back over --connections sockets. Reports each server's CPU per request (its
 * process alone, from /proc). Run per body size: a 2 s segment (640 KB) and a playlist (300 B).
 *
 * Where capacity.js paces requests as players do (each request wakes the server on its own),
 * this drives both flat out, so the per-request floor of each stack shows without wake-ups.
 *
 *   node build/bench/js/bench/hls/flat-out.js --sizes 640000,300 --requests 5000,20000 --reps 2
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';

import { freePort, spawnTracked, stopTracked, waitForPort } from '../fanout/children';
import { cpuSeconds, machine } from './proc';
import { startChildOrigin } from './servers';

const HOST = '127.0.0.1';

interface Row {
  server: 'nginx' | 'node-bare';
  bytes: number;
  requests: number;
  cpuSec: number;
  usPerRequest: number;
}

function nginxConf(dir: string, port: number): string {
  return [
    'daemon off; master_process off; worker_processes 1;',
    `error_log ${dir}/error.log; pid ${dir}/nginx.pid;`,
    'events { worker_connections 1024; }',
    'http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000;',
    `  types { video/mp2t ts; } server { listen ${HOST}:${port}; location /live/ { alias ${dir}/files/; } } }`,
    '',
  ].join('\n');
}

/** `requests` GETs of `url`, back to back on `connections` keep-alive sockets. */
function drive(url: string, requests: number, connections: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  let started = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    const one = (): void => {
      if (started >= requests) return;
      started++;
      const req = http
        .get(url, { agent, timeout: 10_000 }, (res) => {
          res.resume();
          res.on('end', () => {
            if (++done === requests) {
              agent.destroy();
              resolve();
            } else one();
          });
        })
        .on('timeout', () => {
          req.destroy();
          reject(new Error(`no answer from ${url} within 10 s`));
        })
        .on('error', reject);
    };
    for (let i = 0; i < connections; i++) one();
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '640000,300' },
      requests: { type: 'string', default: '5000,20000' },
      connections: { type: 'string', default: '8' },
      reps: { type: 'string', default: '2' },
      out: { type: 'string' },
    },
  });
  const sizes = values.sizes.split(',').map(Number);
  const counts = values.requests.split(',').map(Number);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flat-out-'));
  fs.mkdirSync(path.join(dir, 'files', 'bench'), { recursive: true });
  const rows: Row[] = [];
  const stops: (() => Promise<void>)[] = [];
  try {
    for (const size of sizes) fs.writeFileSync(path.join(dir, 'files', 'bench', `${size}.ts`), Buffer.alloc(size, 7));
    const nginxPort = await freePort(HOST);
    fs.writeFileSync(path.join(dir, 'nginx.conf'), nginxConf(dir, nginxPort));
    const nginx = spawnTracked('nginx', ['-c', path.join(dir, 'nginx.conf'), '-p', `${dir}/`], path.join(dir, 'nginx.log'));
    stops.push(() => stopTracked(nginx, 2000));
    await waitForPort(HOST, nginxPort, 10_000, nginx);
    const bare = await startChildOrigin('node-bare', 'bare-origin.js', ['--dir', path.join(dir, 'files')], dir);
    stops.push(() => bare.stop());
    const servers = [
      { server: 'nginx' as const, pid: nginx.pid, port: nginxPort },
      { server: 'node-bare' as const, pid: bare.pid, port: bare.httpPort },
    ];
    for (let rep = 0; rep < Number(values.reps); rep++) {
      sizes.forEach((bytes, i) => {
        const requests = counts[i] ?? counts[counts.length - 1] ?? 1_000;
        for (const s of servers) {
          rows.push({ server: s.server, bytes, requests, cpuSec: 0, usPerRequest: 0 });
        }
      });
    }
    for (const row of rows) {
      const s = servers.find((x) => x.server === row.server)!;
      const url = `http://${HOST}:${s.port}/live/bench/${row.bytes}.ts`;
      await drive(url, 50, 1); // warm: files cached, sockets open
      const before = cpuSeconds([s.pid]);
      await drive(url, row.requests, Number(values.connections));
      row.cpuSec = cpuSeconds([s.pid]) - before;
      row.usPerRequest = Math.round((row.cpuSec / row.requests) * 1e6);
      process.stderr.write(`flat-out: ${row.server} ${row.bytes} B: ${row.usPerRequest} µs of CPU per request\n`);
    }
  } finally {
    for (const stop of stops) await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const lines = ['| server | body bytes | requests | server CPU s | µs per request |', '| --- | ---: | ---: | ---: | ---: |'];
  for (const r of rows) lines.push(`| ${r.server} | ${r.bytes} | ${r.requests} | ${r.cpuSec.toFixed(2)} | ${r.usPerRequest} |`);
  process.stdout.write(`${lines.join('\n')}\n`);
  if (values.out) {
    const report = { tool: 'hls-flat-out', date: new Date().toISOString(), machine: machine(), options: values, rows };
    fs.writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`flat-out: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
