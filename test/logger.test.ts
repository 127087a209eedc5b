import { levelName, type LogLevelName, ServerLogger } from '../lib/logger';

function capture(level: LogLevelName = 'info'): { logger: ServerLogger; lines: string[] } {
  const lines: string[] = [];
  return { logger: new ServerLogger(level, undefined, (l) => lines.push(l)), lines };
}

describe('ServerLogger', () => {
  it('writes one pino-shaped JSON object per line', () => {
    const { logger, lines } = capture();
    logger.info({ sessionId: 4, stream: 'live/cam', reason: 'x' }, 'hello');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    const record = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(record).toMatchObject({ level: 30, msg: 'hello', sessionId: 4, stream: 'live/cam', reason: 'x' });
    expect(typeof record.time).toBe('number');
    expect(record.pid).toBe(process.pid);
  });

  it('drops lines below its level', () => {
    const { logger, lines } = capture('warn');
    logger.info({}, 'no');
    logger.warn({}, 'yes');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['yes']);
  });

  it('writes nothing when silent', () => {
    const { logger, lines } = capture('silent');
    logger.error({}, 'no');
    expect(lines).toEqual([]);
  });

  it('survives values JSON cannot encode', () => {
    const { logger, lines } = capture();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    logger.info({ cyclic, big: 10n }, 'still logged');
    expect((JSON.parse(lines[0] ?? '') as { msg: string }).msg).toBe('still logged');
  });

  it('forwards to a pino-like logger with (fields, msg)', () => {
    const calls: unknown[][] = [];
    const target = {
      info: (...a: unknown[]) => calls.push(['info', ...a]),
      warn: (...a: unknown[]) => calls.push(['warn', ...a]),
      error: (...a: unknown[]) => calls.push(['error', ...a]),
    };
    const logger = new ServerLogger('trace', target);
    logger.warn({ sessionId: 1 }, 'w');
    logger.debug({}, 'no debug method: skipped');
    expect(calls).toEqual([['warn', { sessionId: 1 }, 'w']]);
  });

  it('names native levels', () => {
    expect([10, 20, 30, 40, 50, 60].map(levelName)).toEqual(['trace', 'debug', 'info', 'warn', 'error', 'error']);
  });
});
