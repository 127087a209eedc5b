/**
 * Server CPU and memory from /proc: utime+stime (every thread of the process, so the engine's
 * loops count inside node) and VmRSS, summed over the given processes and all their
 * descendants (nginx workers under a master, should one run with a master).
 */
import * as fs from 'fs';
import * as os from 'os';

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK)

interface Stat {
  ppid: number;
  ticks: number; // utime + stime
}

/** The parent and utime + stime of a /proc/PID/stat or /proc/PID/task/TID/stat text. */
function parseStat(text: string): Stat {
  // The command name (field 2) may hold spaces and parentheses: fields follow the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
  return { ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) };
}

function readStat(pid: number): Stat | undefined {
  try {
    return parseStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The pids and every descendant of them that is alive now. */
export function processTree(roots: number[]): number[] {
  const byParent = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (!stat) continue;
    const list = byParent.get(stat.ppid) ?? [];
    list.push(Number(name));
    byParent.set(stat.ppid, list);
  }
  const out = new Set<number>();
  const stack = [...roots];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    if (out.has(pid)) continue;
    out.add(pid);
    stack.push(...(byParent.get(pid) ?? []));
  }
  return [...out];
}

/**
 * CPU seconds so far per kind of thread of the processes and their descendants: a process's
 * main thread is "main", the others go by their name with a trailing "-N" dropped (the
 * engine's "rtmp-io-0" and "rtmp-io-1" are one "rtmp-io"; Node's helper threads are "node").
 */
export function cpuSecondsByThread(roots: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pid of processTree(roots)) {
    let tids: string[];
    try {
      tids = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      let text: string;
      try {
        text = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      } catch {
        continue;
      }
      const name = Number(tid) === pid ? 'main' : text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')).replace(/-\d+$/, '');
      out[name] = (out[name] ?? 0) + parseStat(text).ticks / TICKS_PER_SECOND;
    }
  }
  return out;
}

/** CPU seconds (user + system) used so far by the processes and their descendants. */
export function cpuSeconds(roots: number[]): number {
  let ticks = 0;
  for (const pid of processTree(roots)) ticks += readStat(pid)?.ticks ?? 0;
  return ticks / TICKS_PER_SECOND;
}

/** Resident memory in KiB, summed over the processes and their descendants. */
export function rssKiB(roots: number[]): number {
  let kib = 0;
  for (const pid of processTree(roots)) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kib += Number(m[1]);
    } catch {
      // gone
    }
  }
  return kib;
}

/** What a results file says about the machine (it is shared and noisy: say so). */
export function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    nproc: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    loadavg: os.loadavg(),
    note: 'shared, noisy machine (other engineers build and test on the same 2 cores)',
  };
}

/** Order statistics over a sample (nearest rank). */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
