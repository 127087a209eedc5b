/**
 * The Prometheus registry of a server: one per server (built on first use),
 * so the built-in /metrics and a handler mounted elsewhere share the same
 * series. Every engine value is read when scraped (./scrape.ts): nothing
 * runs on the media path. Merge it into your own registry with
 * `Registry.merge([yours, metricsRegistry(server)])`.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

import { addMediaFamilies } from './media-families';
import { type MetricsSource, Scraper } from './scrape';
import { addSessionFamilies } from './session-families';

/** Source → its registry. A WeakMap: a closed, unreferenced server takes its registry with it. */
const registries = new WeakMap<MetricsSource, Registry>();

export interface MetricsRegistryOptions {
  /** prom-client's process and Node.js metrics. Default: the server's metrics.processMetrics. */
  processMetrics?: boolean;
}

export function metricsRegistry(server: MetricsSource & { options: { metrics: { processMetrics: boolean } } }, options: MetricsRegistryOptions = {}): Registry {
  let registry = registries.get(server);
  if (registry) return registry;
  registry = new Registry();
  const scraper = new Scraper(server);
  const read = () => scraper.read();
  addSessionFamilies(registry, read, server.metricsState);
  addMediaFamilies(registry, read, scraper, server.metricsState);
  if (options.processMetrics ?? server.options.metrics.processMetrics) collectDefaultMetrics({ register: registry });
  registries.set(server, registry);
  return registry;
}
