/**
 * Where a stream's files go: `<folder>/<app>/<name>/`. The engine already
 * checks app and name against its stream-name grammar, but a path built from
 * names a peer chose is checked again here, the one place that touches the
 * disk: each part must be a plain file name (no separator, no `.`/`..`, no
 * NUL), and the result must stay inside the folder. A stream name with '/' in
 * it (the grammar allows "live/team/cam") is refused: its folder would nest
 * inside another stream's, and the HTTP routes do not serve it either. Names
 * starting with '.' are refused too (the engine does; here it also keeps them
 * apart from the writer's hidden temporary files).
 */
import * as path from 'path';

/** The directory of a stream ("app/name"), or why it is refused. */
export function streamDirectory(root: string, stream: string): { dir: string } | { refused: string } {
  const parts = stream.split('/');
  if (parts.length !== 2) return { refused: 'the stream key is not "app/name"' };
  for (const part of parts) {
    if (part === '' || part.startsWith('.')) return { refused: 'an empty name or one starting with "."' };
    if (/[\\/\0]/.test(part)) return { refused: 'a path separator or NUL in the stream key' };
  }
  const base = path.resolve(root);
  const dir = path.resolve(base, parts[0] as string, parts[1] as string);
  if (!dir.startsWith(base + path.sep)) return { refused: 'the path leaves the folder' };
  return { dir };
}

/** The files this writer creates (and may delete or move): nothing else in a folder is touched. */
export function isOwnFile(name: string): boolean {
  return (
    /^(index|video|audio)\.m3u8$/.test(name) ||
    /^[0-9a-z]+-init-\d+-(video|audio)\.mp4$/.test(name) ||
    /^[0-9a-z]+-seg-\d+(-(video|audio)\.m4s|\.ts)$/.test(name) ||
    /^\..+\.tmp$/.test(name)
  );
}
