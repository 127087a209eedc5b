// README.md, docs/*.md and examples/README.md are the first thing a new user
// reads: every relative link must reach a file (and, with #anchor, a heading
// of that file), and every ffmpeg command that encodes with libx264 must ask
// for yuv420p. Without it x264 keeps the source's chroma (testsrc is RGB, so
// yuv444p, High 4:4:4 Predictive), which no browser decodes.
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';

const ROOT = resolve(__dirname, '..');

function markdownFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(ROOT, 'docs', name));
  return [join(ROOT, 'README.md'), join(ROOT, 'examples', 'README.md'), ...docs].filter((f) => existsSync(f));
}

/** The text outside fenced code blocks (links in code are code, not links). */
function prose(markdown: string): string {
  let inFence = false;
  const kept: string[] = [];
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      kept.push('');
      continue;
    }
    kept.push(inFence ? '' : line.replace(/`[^`]*`/g, (code) => ' '.repeat(code.length)));
  }
  return kept.join('\n');
}

/** GitHub's heading ids: rendered text, lower case, punctuation dropped, spaces to '-', repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const m = inFence ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m?.[1]) continue;
    const text = m[1]
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their text
      .replace(/[`*]/g, '')
      .replace(/<[^>]+>/g, '');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

interface Link {
  file: string;
  line: number;
  target: string;
}

function linksOf(file: string): Link[] {
  const text = prose(readFileSync(file, 'utf8'));
  const links: Link[] = [];
  const patterns = [/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g, /^\s*\[[^\]]+\]:\s*(\S+)/gm, /\bhref="([^"]+)"/g];
  for (const pattern of patterns) {
    for (const m of text.matchAll(pattern)) {
      const line = text.slice(0, m.index).split('\n').length;
      links.push({ file, line, target: m[1]! });
    }
  }
  return links;
}

const isExternal = (target: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(target);

/** A problem with one link, or undefined when it resolves. */
function check(link: Link): string | undefined {
  const [pathPart = '', anchor] = link.target.split('#', 2);
  const file = pathPart === '' ? link.file : resolve(dirname(link.file), decodeURIComponent(pathPart));
  if (!existsSync(file)) return `no such file ${relative(ROOT, file)}`;
  if (anchor === undefined || anchor === '' || !file.endsWith('.md') || statSync(file).isDirectory()) return undefined;
  if (!anchorsOf(readFileSync(file, 'utf8')).has(decodeURIComponent(anchor))) {
    return `${relative(ROOT, file)} has no heading #${anchor}`;
  }
  return undefined;
}

/** Every ffmpeg command line of a markdown file: fenced code (backslash continuations joined) and inline code. */
function ffmpegCommands(markdown: string): string[] {
  const commands: string[] = [];
  let inFence = false;
  let pending = '';
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      pending = '';
      continue;
    }
    if (inFence) {
      const joined = pending + line;
      if (joined.trimEnd().endsWith('\\')) {
        pending = joined.trimEnd().slice(0, -1) + ' ';
        continue;
      }
      pending = '';
      if (/\bffmpeg\s+-/.test(joined)) commands.push(joined.trim());
    } else {
      for (const m of line.matchAll(/`([^`]*\bffmpeg\s+-[^`]*)`/g)) commands.push(m[1]!);
    }
  }
  return commands;
}

describe('README and docs', () => {
  const files = markdownFiles();

  it('finds the files and links it checks', () => {
    expect(files.map((f) => relative(ROOT, f))).toEqual(expect.arrayContaining(['README.md', 'docs/api.md']));
    expect(files.flatMap(linksOf).filter((l) => !isExternal(l.target)).length).toBeGreaterThan(10);
  });

  it.each(files.map((f) => [relative(ROOT, f), f]))('%s: every relative link and anchor resolves', (_name, file) => {
    const broken = linksOf(file)
      .filter((l) => !isExternal(l.target))
      .map((l) => ({ l, problem: check(l) }))
      .filter((r) => r.problem !== undefined)
      .map((r) => `${relative(ROOT, r.l.file)}:${r.l.line} (${r.l.target}): ${r.problem}`);
    expect(broken).toEqual([]);
  });

  it.each(files.map((f) => [relative(ROOT, f), f]))('%s: every libx264 ffmpeg command sets -pix_fmt yuv420p', (_name, file) => {
    const bad = ffmpegCommands(readFileSync(file, 'utf8')).filter(
      (c) => /libx264/.test(c) && !/-pix_fmt\s+yuv420p\b/.test(c),
    );
    expect(bad).toEqual([]);
  });

  it('the README publishes its test pattern with libx264 in yuv420p', () => {
    const commands = ffmpegCommands(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(commands.some((c) => /libx264/.test(c) && /-pix_fmt yuv420p/.test(c))).toBe(true);
  });
});

describe('the checker itself', () => {
  it('numbers repeated headings and drops punctuation like GitHub', () => {
    const anchors = anchorsOf('# Operations\n## The `door`: bans\n## Series\n## Series\n```\n# not a heading\n```\n');
    expect([...anchors]).toEqual(['operations', 'the-door-bans', 'series', 'series-1']);
  });

  it('joins continuation lines and sees a missing -pix_fmt', () => {
    const md = '```sh\nffmpeg -re -f lavfi -i testsrc \\\n  -c:v libx264 -f flv rtmp://x/live/a\n```\n';
    expect(ffmpegCommands(md)).toEqual(['ffmpeg -re -f lavfi -i testsrc    -c:v libx264 -f flv rtmp://x/live/a']);
  });

  it('reports a missing file and a missing anchor', () => {
    const readme = join(ROOT, 'README.md');
    expect(check({ file: readme, line: 1, target: 'docs/nope.md' })).toMatch(/no such file/);
    expect(check({ file: readme, line: 1, target: 'docs/operations.md#nope' })).toMatch(/no heading/);
    expect(check({ file: readme, line: 1, target: 'docs/operations.md#prometheus' })).toBeUndefined();
  });
});
