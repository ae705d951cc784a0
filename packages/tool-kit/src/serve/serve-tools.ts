import type { NatsConnection } from '@nats-io/nats-core';
import { Svcm } from '@nats-io/services';
import { queueGroups, subjects, toolMetadataKeys, toolNameSchema } from '@voice/shared/contracts';
import type { Database } from '@voice/shared/db';
import { describeError } from '@voice/shared/errors';
import type { Logger } from '@voice/shared/logging';
import type { Registry } from '@voice/shared/telemetry';
import { type ServableTool, toolTimeoutMs } from '../define-tool.js';
import { DEFAULT_TOOL_TIMEOUT_MS } from '../discovery.js';
import { unrecordedLedger } from '../ledger/ledger.js';
import { createPostgresLedger } from '../ledger/postgres-ledger.js';
import { toolParameters } from '../tool-schema.js';
import { type Endpoint, type HandlerContext, handleMessage } from './handle-request.js';
import type { Invocation } from './invoke-tool.js';
import { createToolMetrics } from './metrics.js';

/** What a worker serves and with what. */
export interface ServeToolsOptions {
  nc: NatsConnection;
  tools: readonly ServableTool[];
  /** The NATS service name (`[A-Za-z0-9_-]`); instances of one worker share it. */
  serviceName: string;
  /** Semantic version of the worker, shown in service info. */
  version: string;
  description?: string;
  logger: Logger;
  /**
   * Where invocations are recorded and made idempotent. Without it every request runs and
   * nothing is recorded (only for tests and tools without side effects).
   */
  db?: Database;
  registry?: Registry;
  /** This instance's name in the audit rows and service metadata. */
  workerId: string;
  /** Deadline of tools that declare none (ms). */
  defaultTimeoutMs?: number;
}

/** A running set of tool endpoints. */
export interface ToolServer {
  /** Names of the tools served. */
  readonly tools: readonly string[];
  /** The NATS service instance id (as discovery and `$SRV.*` report it). */
  readonly serviceId: string;
  /** Requests being handled right now (including the recording of their outcome). */
  inFlight(): number;
  /** Stops taking requests (the endpoints leave the queue group), then waits for those in flight. */
  stop(): Promise<void>;
}

/**
 * Serves each LangChain tool as an endpoint of one NATS service (`tools.<name>` in the `tools`
 * queue group, so instances share the work), with the tool's description, flat JSON Schema and
 * deadline in the endpoint metadata, where `discoverTools` finds them. Every request gets a
 * `ToolResponse`, whatever happens.
 */
export async function serveTools(options: ServeToolsOptions): Promise<ToolServer> {
  const endpoints = endpointsOf(options.tools, options.defaultTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS);
  const ledger = options.db ? createPostgresLedger(options.db) : unrecordedLedger;
  const metrics = createToolMetrics(options.registry);
  const logger = options.logger.child({ component: 'tool-server' });
  const active = new Set<Promise<void>>();
  /** Requests being run by this worker, by idempotency key: a duplicate waits for the original. */
  const running = new Map<string, Promise<Invocation>>();

  const service = await new Svcm(options.nc).add({
    name: options.serviceName,
    version: options.version,
    description: options.description ?? `${options.serviceName} tools`,
    metadata: { worker: options.workerId },
    queue: queueGroups.tools,
  });

  const context: HandlerContext = { ledger, metrics, logger, running, workerId: options.workerId };
  for (const endpoint of endpoints) {
    const name = endpoint.tool.name;
    service.addEndpoint(name, {
      subject: subjects.tool(name),
      queue: queueGroups.tools,
      metadata: {
        [toolMetadataKeys.description]: endpoint.tool.description,
        [toolMetadataKeys.parameters]: JSON.stringify(toolParameters(endpoint.tool)),
        [toolMetadataKeys.timeoutMs]: String(endpoint.timeoutMs),
      },
      handler: (error, msg) => {
        if (error) {
          logger.error({ err: describeError(error), tool: name }, 'tool endpoint subscription failed');
          return;
        }
        const handling = handleMessage(context, endpoint, msg);
        active.add(handling);
        void handling.finally(() => active.delete(handling));
      },
    });
  }
  // The subscriptions reach the server before the caller hears the tools are live.
  await options.nc.flush();
  logger.info({ tools: endpoints.map((e) => e.tool.name), service: options.serviceName }, 'serving tools');

  return {
    tools: endpoints.map((e) => e.tool.name),
    serviceId: service.info().id,
    inFlight: () => active.size,
    async stop() {
      await service.stop();
      await Promise.allSettled([...active]);
    },
  };
}

function endpointsOf(tools: readonly ServableTool[], defaultTimeoutMs: number): Endpoint[] {
  const seen = new Set<string>();
  return tools.map((tool) => {
    if (!toolNameSchema.safeParse(tool.name).success) {
      throw new Error(`serveTools: "${tool.name}" is not a valid tool name ([a-zA-Z0-9_-], 1-64)`);
    }
    if (seen.has(tool.name)) throw new Error(`serveTools: tool "${tool.name}" is listed twice`);
    seen.add(tool.name);
    return { tool, timeoutMs: toolTimeoutMs(tool, defaultTimeoutMs) };
  });
}
