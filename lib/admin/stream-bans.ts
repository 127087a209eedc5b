/**
 * Stream keys banned for a while through the admin API
 * (`DELETE /api/v1/streams/:app/:name?ban=<seconds>`). A ban is checked where
 * every publish is decided, as an authorizer step in front of the user's own
 * (static keys and/or the authorize() hook): a banned publish is refused with
 * NetStream.Publish.Unauthorized and a reason, like any denial.
 *
 * Both the name the encoder asked for and the name it would be served as (an
 * authorizer may rename a secret key to a public name) are checked, so banning
 * the public stream bans whichever key publishes to it.
 */
import type { AuthDecision, AuthRequest, Authorizer } from '../auth/types';

export class StreamBans {
  /** "app/name" → unix ms the ban ends. */
  private readonly until = new Map<string, number>();

  constructor(readonly now: () => number = Date.now) {}

  ban(path: string, seconds: number): number {
    const ends = this.now() + seconds * 1_000;
    this.until.set(path, ends);
    return ends;
  }

  lift(path: string): boolean {
    return this.until.delete(path);
  }

  /** The unix ms a ban on `path` ends, or undefined when there is none (expired ones are forgotten). */
  bannedUntil(path: string): number | undefined {
    const ends = this.until.get(path);
    if (ends === undefined) return undefined;
    if (ends <= this.now()) {
      this.until.delete(path);
      return undefined;
    }
    return ends;
  }

  /** Live bans, soonest to end first. */
  list(): Array<{ stream: string; untilMs: number }> {
    const out: Array<{ stream: string; untilMs: number }> = [];
    for (const stream of [...this.until.keys()]) {
      const untilMs = this.bannedUntil(stream);
      if (untilMs !== undefined) out.push({ stream, untilMs });
    }
    return out.sort((a, b) => a.untilMs - b.untilMs);
  }
}

function denial(bans: StreamBans, path: string): AuthDecision | undefined {
  const until = bans.bannedUntil(path);
  if (until === undefined) return undefined;
  const left = Math.ceil((until - bans.now()) / 1_000);
  return { allow: false, reason: `stream ${path} is banned by an operator for ${left} more s` };
}

/** `next` (or allow, without one), after refusing publishes to banned streams. Plays pass through. */
export function withStreamBans(bans: StreamBans, next: Authorizer | undefined): Authorizer {
  return async (req: AuthRequest): Promise<AuthDecision> => {
    if (req.action !== 'publish') return next ? next(req) : { allow: true };
    const asked = denial(bans, `${req.app}/${req.name}`);
    if (asked) return asked;
    const decision = next ? await next(req) : { allow: true as const };
    if (decision.allow && decision.name) return denial(bans, `${req.app}/${decision.name}`) ?? decision;
    return decision;
  };
}
