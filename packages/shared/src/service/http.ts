import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../logging/index.js';

export interface HttpServerOptions {
  logger: Logger;
  /** Largest request body accepted (bytes). */
  bodyLimit?: number;
}

/**
 * A Fastify instance that logs through the service's pino logger (so redaction and masking
 * apply to request logs too) and never logs query strings or bodies.
 */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  return Fastify({
    loggerInstance: options.logger.child({ component: 'http' }),
    bodyLimit: options.bodyLimit ?? 1_048_576,
    trustProxy: true,
    requestIdHeader: 'x-request-id',
    return503OnClosing: true,
  }) as unknown as FastifyInstance;
}
