import { randomBytes } from 'node:crypto';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  decodeJson,
  encodeJson,
  subjects,
  type ToolRequest,
  toolRequestSchema,
  toolResponseSchema,
} from '@voice/shared/contracts';
import { DEMO_AGENT_ID, DEMO_AGENT_NUMBER, DEMO_CALLER_NUMBER } from '@voice/shared/db';
import { SampleBuffer, type Summary, summarise } from '../stats/summary.js';

/** The Postgres-backed tools probed in turn, with arguments that find something. */
const PROBED_TOOLS: ReadonlyArray<readonly [string, unknown]> = [
  ['lookup_record', {}],
  ['find_open_slots', { service: 'cleaning' }],
];
const TOOL_TIMEOUT_MS = 5_000;
/** The NATS request waits a little longer than the worker, as the media-bridge's does. */
const REQUEST_TIMEOUT_MS = TOOL_TIMEOUT_MS + 250;

/** What a probe measured over its window. */
export interface ToolProbeResult {
  latency: Summary;
  /** Requests that got no `ok` answer (timeout, no responders, error envelope). */
  failed: number;
}

/**
 * The tool round trip at load, as the media-bridge makes it: a `ToolRequest` on
 * `tools.<name>` over NATS → tool-runner → Postgres → the reply, timed from request to reply.
 * Sends at a steady rate alongside the media load while started.
 */
export class ToolProber {
  private readonly latencies = new SampleBuffer();
  private failed = 0;
  private timer: NodeJS.Timeout | undefined;
  private sequence = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly callSid = `CA${randomBytes(16).toString('hex')}`;

  constructor(
    private readonly nc: NatsConnection,
    private readonly perSecond: number,
  ) {}

  start(): void {
    this.latencies.clear();
    this.failed = 0;
    this.timer = setInterval(() => this.probe(), 1_000 / this.perSecond);
  }

  async stop(): Promise<ToolProbeResult> {
    clearInterval(this.timer);
    await Promise.all(this.inFlight);
    return { latency: summarise(this.latencies.view()), failed: this.failed };
  }

  private probe(): void {
    const [name, args] = PROBED_TOOLS[this.sequence % PROBED_TOOLS.length] as readonly [string, unknown];
    this.sequence++;
    const request: ToolRequest = {
      toolCallId: `bench_probe_${this.sequence}`,
      name,
      arguments: args,
      context: {
        callSid: this.callSid,
        from: DEMO_CALLER_NUMBER,
        to: DEMO_AGENT_NUMBER,
        agentId: DEMO_AGENT_ID,
      },
      timeoutMs: TOOL_TIMEOUT_MS,
    };
    const started = performance.now();
    const done = this.nc
      .request(subjects.tool(name), encodeJson(toolRequestSchema, request), { timeout: REQUEST_TIMEOUT_MS })
      .then(
        (reply) => {
          const elapsed = performance.now() - started;
          const response = decodeJson(toolResponseSchema, reply.data, 'tool response');
          if (response.ok && response.value.ok) this.latencies.push(elapsed);
          else this.failed++;
        },
        () => {
          this.failed++;
        },
      )
      .finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }
}
