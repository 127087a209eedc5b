/** Config files for CLI tests, each in its own temp folder; removeTempConfigs() deletes them all (call it from afterAll). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const made: string[] = [];

/** A new empty temp folder, removed by removeTempConfigs(). */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtmp-engine-cli-'));
  made.push(dir);
  return dir;
}

/**
 * Writes `value` to config.json in `dir` (default: a new temp folder) and
 * returns the file's path. A string is written as it is (to test bad JSON);
 * anything else as JSON.
 */
export function tempConfig(value: unknown, dir: string = tempDir()): string {
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

export function removeTempConfigs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
