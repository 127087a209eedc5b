/** CPU time of processes from /proc, and the machine facts every frames bench report carries. */
import * as fs from 'fs';
import * as os from 'os';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** user + system CPU seconds of a process so far (0 once it is gone). */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** This process's user + system CPU seconds (every thread: engine loops, decoders, JS). */
export function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * What the benches' consumers do with a picture: read every 64th byte, as code
 * that looks at the picture would. The caller folds the sum into a value it
 * keeps, so the reads cannot be optimised away.
 */
export function touchPlane(data: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < data.length; i += 64) sum += data[i]!;
  return sum;
}

export function rssBytes(pid: number = process.pid): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export function machine(): { nproc: number; cpuModel: string; loadavg: number[]; node: string } {
  return {
    nproc: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    loadavg: os.loadavg().map((v) => Math.round(v * 100) / 100),
    node: process.version,
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

/** Runs a bench's main(): exit 0 when it resolves, 1 with the stack on stderr when it throws. */
export function runBench(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`${name}: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
