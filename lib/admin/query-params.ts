/** Query parameters of admin requests: unknown ones and bad values are 400s that say what was wrong. */
import { AdminErrorCodes, AdminHttpError } from './json';

function bad(message: string): AdminHttpError {
  return new AdminHttpError(400, AdminErrorCodes.BAD_REQUEST, message);
}

/** Refuses parameters the route does not know (a typo should not be silently ignored). */
export function onlyParams(query: URLSearchParams, known: readonly string[]): void {
  for (const name of query.keys()) {
    if (!known.includes(name)) {
      const hint = known.length > 0 ? `; this route takes ${known.join(', ')}` : '; this route takes none';
      throw bad(`unknown query parameter "${name}"${hint}`);
    }
  }
}

/** An integer parameter in [min, max], or `fallback` when absent. */
export function intParam(query: URLSearchParams, name: string, min: number, max: number, fallback?: number): number | undefined {
  const text = query.get(name);
  if (text === null) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw bad(`${name} must be an integer in ${min}..${max} (got "${text}")`);
  }
  return Number(text);
}

/** One of `values`, or undefined when absent. */
export function enumParam<T extends string>(query: URLSearchParams, name: string, values: readonly T[]): T | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  if (!(values as readonly string[]).includes(text)) {
    throw bad(`${name} must be one of ${values.join(', ')} (got "${text}")`);
  }
  return text as T;
}
