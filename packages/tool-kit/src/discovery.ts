import { errors, type NatsConnection } from '@nats-io/nats-core';
import { Svcm } from '@nats-io/services';
import { type RealtimeTool, toolMetadataKeys, toolNameSchema } from '@voice/shared/contracts';

/** A tool some worker serves right now, read from its NATS service metadata. */
export interface DiscoveredTool {
  name: string;
  description: string;
  /** JSON Schema of the arguments, flat. */
  parameters: Record<string, unknown>;
  /** How long a call should wait for this tool (ms). */
  timeoutMs: number;
  /** The request subject (`tools.<name>`). */
  subject: string;
}

export interface DiscoverOptions {
  /** Only these names (the agent profile's allowed tools); all when omitted. */
  allowed?: readonly string[];
  /** Upper bound of the discovery round trip (ms). */
  maxWaitMs?: number;
  /** Stop collecting once no service has answered for this long (ms). */
  stallMs?: number;
  defaultTimeoutMs?: number;
}

export const DEFAULT_TOOL_TIMEOUT_MS = 8_000;

/**
 * Lists the tools available right now by asking every NATS service for its info. A tool
 * whose last worker is gone is simply not in the answer, so the next call is not offered it.
 */
export async function discoverTools(
  nc: NatsConnection,
  options: DiscoverOptions = {},
): Promise<DiscoveredTool[]> {
  const client = new Svcm(nc).client({
    strategy: 'stall',
    maxWait: options.maxWaitMs ?? 500,
    stall: options.stallMs ?? 75,
  });
  const allowed = options.allowed ? new Set(options.allowed) : undefined;
  const found = new Map<string, DiscoveredTool>();
  try {
    for await (const info of await client.info()) {
      for (const endpoint of info.endpoints ?? []) {
        const tool = readTool(endpoint, options.defaultTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS);
        if (!tool || found.has(tool.name)) continue;
        if (allowed && !allowed.has(tool.name)) continue;
        found.set(tool.name, tool);
      }
    }
  } catch (error) {
    // No service answered at all: there are no tools right now.
    if (!(error instanceof errors.NoRespondersError || (error as Error).name === 'NoResponders')) throw error;
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function readTool(
  endpoint: { subject: string; metadata?: Record<string, string> },
  defaultTimeoutMs: number,
): DiscoveredTool | undefined {
  const metadata = endpoint.metadata ?? {};
  const rawParameters = metadata[toolMetadataKeys.parameters];
  if (!endpoint.subject.startsWith('tools.') || rawParameters === undefined) return undefined;
  const name = endpoint.subject.slice('tools.'.length);
  if (!toolNameSchema.safeParse(name).success) return undefined;
  let parameters: unknown;
  try {
    parameters = JSON.parse(rawParameters);
  } catch {
    return undefined;
  }
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) return undefined;
  // The realtime API refuses a whole session.update for one function whose parameters are not
  // an object schema (e.g. a union at the root): such a tool is not offered rather than break calls.
  if ((parameters as { type?: unknown }).type !== 'object') return undefined;
  const timeoutMs = Number(metadata[toolMetadataKeys.timeoutMs]);
  return {
    name,
    description: metadata[toolMetadataKeys.description] ?? '',
    parameters: parameters as Record<string, unknown>,
    timeoutMs: Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : defaultTimeoutMs,
    subject: endpoint.subject,
  };
}

/** The shape OpenAI Realtime's `session.update` takes (flat function tools). */
export function toRealtimeTool(tool: DiscoveredTool): RealtimeTool {
  return { type: 'function', name: tool.name, description: tool.description, parameters: tool.parameters };
}
