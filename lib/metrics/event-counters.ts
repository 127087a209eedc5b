/**
 * Counters the engine does not keep itself but reports as events, counted in
 * JS as the ordered event batches arrive (a handful per session, never per
 * media message), plus the auth decisions, which JS makes.
 *
 * - sessions reaching `connect`, `publish`, `play`, by protocol (rtmp/rtmps);
 * - session closes by their stable ERR_RTMP_* code;
 * - auth decisions by protocol, action, result and a bounded reason.
 *
 * Handshake failures are counted by the engine (stats.handshakeFailures).
 */
import type { NativeEvent } from '../../types/native';
import { BoundedLabel, LabelCounts } from './label-counts';

export type MetricsProtocol = 'rtmp' | 'rtmps';
export type AuthProtocolLabel = MetricsProtocol | 'hls' | 'dash';
/**
 * Why the decision was what it was, bounded: `authorizer` (it answered),
 * `error` (it threw or answered nonsense: auth.onError decided), `timeout`
 * (it did not answer in time: auth.onTimeout decided), `no_authorizer`.
 */
export type AuthReasonLabel = 'authorizer' | 'error' | 'timeout' | 'no_authorizer';

export interface AuthObservation {
  protocol: AuthProtocolLabel;
  action: 'publish' | 'play';
  allow: boolean;
  reason: AuthReasonLabel;
}

/** The engine's error table has ~30 codes; room to spare, and a cap whatever happens. */
const MAX_CLOSE_CODES = 64;

export class EventCounters {
  readonly connects = new LabelCounts(['protocol'] as const);
  readonly publishes = new LabelCounts(['protocol'] as const);
  readonly plays = new LabelCounts(['protocol'] as const);
  readonly closes = new LabelCounts(['code'] as const);
  readonly authDecisions = new LabelCounts(['protocol', 'action', 'result', 'reason'] as const);
  private readonly closeCode = new BoundedLabel(MAX_CLOSE_CODES, /^(OK|ERR_RTMP_[A-Z0-9_]{1,40})$/);

  /** One engine event (called for every event of every batch, in order). */
  observe(event: NativeEvent): void {
    switch (event.kind) {
      case 'connect':
        this.connects.add({ protocol: event.tls ? 'rtmps' : 'rtmp' });
        break;
      case 'publish':
        this.publishes.add({ protocol: event.tls ? 'rtmps' : 'rtmp' });
        break;
      case 'play':
        this.plays.add({ protocol: event.tls ? 'rtmps' : 'rtmp' });
        break;
      case 'disconnect':
        this.closes.add({ code: this.closeCode.of(event.code) });
        break;
      default:
        break;
    }
  }

  observeAuth(o: AuthObservation): void {
    this.authDecisions.add({ protocol: o.protocol, action: o.action, result: o.allow ? 'allow' : 'deny', reason: o.reason });
  }

}
