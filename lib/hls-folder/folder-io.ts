/**
 * The disk operations of the folder writer, behind a small interface so tests
 * can make a disk slow or failing. Every file is written to a hidden temporary
 * name and renamed into place (rename(2) is atomic within one file system): an
 * HTTP origin serving the folder never sees half a playlist or half a segment.
 * No fsync: the copy is for serving, and a crash loses at most the files the
 * playlist did not list yet.
 */
import { promises as fs } from 'fs';
import * as path from 'path';

import type { HlsBytes } from '../http/hls/view';

export interface FolderIo {
  /** Writes `bytes` (one Buffer or a list, in order) to dir/name atomically. */
  writeFile(dir: string, name: string, bytes: HlsBytes | string): Promise<void>;
  /** Removes dir/name; a file already gone is not an error. */
  remove(dir: string, name: string): Promise<void>;
  mkdir(dir: string): Promise<void>;
  /** File names in dir ([] when it does not exist). */
  list(dir: string): Promise<string[]>;
  rename(from: string, to: string): Promise<void>;
}

async function writeAll(file: string, bytes: HlsBytes | string): Promise<void> {
  const list = typeof bytes === 'string' ? [Buffer.from(bytes)] : Buffer.isBuffer(bytes) ? [bytes] : [...bytes];
  const handle = await fs.open(file, 'w');
  try {
    // writev may write less than asked (rare for files); go on from where it stopped.
    let rest = list.filter((b) => b.length > 0);
    while (rest.length > 0) {
      let written = (await handle.writev(rest)).bytesWritten;
      const next: Buffer[] = [];
      for (const b of rest) {
        if (written >= b.length) written -= b.length;
        else {
          next.push(written > 0 ? b.subarray(written) : b);
          written = 0;
        }
      }
      rest = next;
    }
  } finally {
    await handle.close();
  }
}

export const nodeFolderIo: FolderIo = {
  async writeFile(dir, name, bytes) {
    const tmp = path.join(dir, `.${name}.tmp`);
    try {
      await writeAll(tmp, bytes);
      await fs.rename(tmp, path.join(dir, name));
    } catch (err) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
  },
  async remove(dir, name) {
    await fs.rm(path.join(dir, name), { force: true });
  },
  async mkdir(dir) {
    await fs.mkdir(dir, { recursive: true });
  },
  async list(dir) {
    try {
      return await fs.readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  },
  async rename(from, to) {
    await fs.rename(from, to);
  },
};

/** A readable reason for an fs error code (the log says what to fix). */
export function ioReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied: the server user cannot write there';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOTDIR':
      return 'a path component is a file, not a folder';
    case 'ENOENT':
      return 'the folder was removed while writing';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}
