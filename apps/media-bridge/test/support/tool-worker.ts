import type { NatsConnection } from '@nats-io/nats-core';
import { Svcm } from '@nats-io/services';
import {
  decodeJson,
  encodeJson,
  queueGroups,
  type ToolRequest,
  type ToolResponse,
  toolMetadataKeys,
  toolRequestSchema,
  toolResponseSchema,
} from '@voice/shared/contracts';

/** A tool served by the test worker. `handler` returning undefined means: never answer. */
export interface TestTool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
  timeoutMs?: number;
  handler(request: ToolRequest): Promise<ToolResponse | undefined> | ToolResponse | undefined;
}

export interface TestToolWorker {
  readonly requests: ToolRequest[];
  stop(): Promise<void>;
}

/**
 * A real NATS tool worker, as tool workers register themselves: a `@nats-io/services` service
 * in the `tools` queue group whose endpoint metadata carries each tool's contract.
 */
export async function startToolWorker(
  nc: NatsConnection,
  tools: readonly TestTool[],
): Promise<TestToolWorker> {
  const requests: ToolRequest[] = [];
  const service = await new Svcm(nc).add({ name: 'test-tools', version: '1.0.0', queue: queueGroups.tools });
  const group = service.addGroup('tools');
  for (const tool of tools) {
    group.addEndpoint(tool.name, {
      metadata: {
        [toolMetadataKeys.description]: tool.description,
        [toolMetadataKeys.parameters]: JSON.stringify(tool.parameters),
        ...(tool.timeoutMs ? { [toolMetadataKeys.timeoutMs]: String(tool.timeoutMs) } : {}),
      },
      handler: (_error, msg) => {
        const request = decodeJson(toolRequestSchema, msg.data, 'tool request');
        if (!request.ok) {
          msg.respondError(400, 'bad request');
          return;
        }
        requests.push(request.value);
        void Promise.resolve(tool.handler(request.value)).then((response) => {
          if (response) msg.respond(encodeJson(toolResponseSchema, response));
        });
      },
    });
  }
  return {
    requests,
    stop: async () => {
      await service.stop();
    },
  };
}
