/** Prometheus metrics: the handler, the per-server registry, the access rule. */
export { ADMIN_TOKEN_ENV, type AccessVerdict, createOperatorAccess, isLoopbackAddress, operatorTokens } from './access';
export { createMetricsHandler, type MetricsHandler, type MetricsHandlerOptions } from './handler';
export { metricsRegistry, type MetricsRegistryOptions } from './registry';
export { OTHER_STREAMS } from './stream-labels';
