/**
 * What a server counts for its metrics between scrapes, from the moment it
 * is created: engine events, auth decisions, HTTP requests, HLS items and the
 * traffic ledger. The server feeds it (a few calls per session, per HTTP
 * request and per HLS part; never per media message); the registry reads it
 * on scrape (./registry.ts).
 */
import type { NativeEvent } from '../../types/native';
import type { AuthDecision, AuthRequest } from '../auth/types';
import type { ResolvedOptions } from '../options';
import { type AuthObservation, EventCounters } from './event-counters';
import { HttpObserver } from './http-observer';
import { LabelCounts } from './label-counts';
import { TrafficLedger } from './traffic-ledger';

export class ServerMetrics {
  readonly events = new EventCounters();
  readonly traffic: TrafficLedger;
  readonly http = new HttpObserver();
  /** HLS/DASH items the store received from the engine's segmenter, by type (init, part, segment, end). */
  readonly hlsItems = new LabelCounts(['type'] as const);

  constructor(options: ResolvedOptions) {
    this.traffic = new TrafficLedger(options.metrics.maxStreams);
  }

  observe(event: NativeEvent): void {
    this.events.observe(event);
    if (event.kind === 'disconnect') {
      this.traffic.end({
        sessionId: event.sessionId,
        app: event.app,
        stream: event.stream,
        bytesIn: event.bytesIn,
        bytesOut: event.bytesOut,
      });
    }
  }

  observeAuth(o: AuthObservation): void {
    this.events.observeAuth(o);
  }

  /** An HLS/DASH viewer authorization (lib/http/viewer-auth.ts: `error` set when a policy decided). */
  observeViewerAuth(req: AuthRequest, decision: AuthDecision, error?: string): void {
    // viewer-auth reports a missed deadline with this wording; any other error is a failure.
    const reason = error === undefined ? 'authorizer' : error.startsWith('the authorizer did not answer') ? 'timeout' : 'error';
    const protocol = req.protocol === 'dash' ? 'dash' : 'hls';
    this.events.observeAuth({ protocol, action: 'play', allow: decision.allow, reason });
  }

  observeHlsItem(type: string): void {
    this.hlsItems.add({ type });
  }
}
