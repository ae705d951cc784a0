import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export type ReadinessCheck = () => boolean | Promise<boolean>;

export interface OpsRoutesOptions {
  registry: Registry;
  /** Named checks; `/readyz` is 200 only when all pass. Names show in the body. */
  readiness: Record<string, ReadinessCheck>;
  /** Whether the service is shutting down: readiness fails first so balancers stop sending work. */
  isDraining?: () => boolean;
}

/**
 * `/healthz` (the process is alive), `/readyz` (it can do its job: its dependencies answer and
 * it is not draining) and `/metrics` (Prometheus text format).
 */
export function registerOpsRoutes(app: FastifyInstance, options: OpsRoutesOptions): void {
  app.get('/healthz', { logLevel: 'silent' }, async () => ({ status: 'ok' }));

  app.get('/readyz', { logLevel: 'silent' }, async (_request, reply) => {
    const checks: Record<string, boolean> = {};
    await Promise.all(
      Object.entries(options.readiness).map(async ([name, check]) => {
        try {
          checks[name] = await check();
        } catch {
          checks[name] = false;
        }
      }),
    );
    const draining = options.isDraining?.() ?? false;
    const ready = !draining && Object.values(checks).every(Boolean);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', draining, checks });
  });

  app.get('/metrics', { logLevel: 'silent' }, async (_request, reply) => {
    reply.header('content-type', options.registry.contentType);
    return options.registry.metrics();
  });
}
