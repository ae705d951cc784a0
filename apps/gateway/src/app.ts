import formbody from '@fastify/formbody';
import websocket from '@fastify/websocket';
import { createHttpServer } from '@voice/shared/service';
import type { FastifyInstance } from 'fastify';
import { MemoryCallStreams } from './calls/call-streams.js';
import { EndRequests } from './calls/end-requests.js';
import { LiveCalls } from './calls/live-calls.js';
import { MemoryAnswerLedger } from './claims/answer-ledger.js';
import { BRIDGE_LOST_AFTER_MS, BRIDGE_SUSPECT_AFTER_MS, BridgeWatchdog } from './claims/bridge-watchdog.js';
import type { GatewayContext, GatewayDeps } from './context.js';
import { type CallCommandRunner, twilioCallCommands } from './control/call-commands.js';
import { drainLiveCalls } from './control/drain.js';
import { registerMediaStream } from './stream/socket.js';
import { registerTransferRoutes } from './transfer/routes.js';
import { noTransferOutcomes } from './transfer/transfer-outcomes.js';
import { transferUrls } from './transfer/urls.js';
import { publicUrls } from './urls.js';
import { registerInboundWebhook } from './webhooks/inbound.js';
import { registerStatusWebhook } from './webhooks/status.js';

/** The gateway wired onto an HTTP server, with what the composition root and tests act on. */
export interface GatewayApp {
  http: FastifyInstance;
  liveCalls: LiveCalls;
  /**
   * Waits up to `timeoutMs` for live calls to end, then closes the streams still open (their
   * fallback TwiML apologises and hangs up) and lets go of claims still waiting for a stream.
   */
  drain(timeoutMs: number): Promise<void>;
  /** Runs call-control commands on Twilio calls (`main` serves them on NATS). */
  runCommand: CallCommandRunner;
}

/**
 * Registers the gateway's routes (`/voice/inbound`, `/voice/status`, `/voice/stream`, and the
 * transfer callbacks `/twilio/whisper`, `/twilio/dial-status`, `/twilio/hold`) on
 * `http` — the service's server in production, a fresh one in tests (which use `inject()`).
 */
export async function buildGatewayApp(deps: GatewayDeps, http?: FastifyInstance): Promise<GatewayApp> {
  const server = http ?? createHttpServer({ logger: deps.logger });
  const now = deps.now ?? Date.now;
  const ctx: GatewayContext = {
    ...deps,
    now,
    answers: deps.answers ?? new MemoryAnswerLedger(),
    streams: deps.streams ?? new MemoryCallStreams(),
    endRequests: new EndRequests(deps.events, now),
    urls: publicUrls(deps.config.PUBLIC_BASE_URL),
    liveCalls: new LiveCalls(deps.config.MAX_LIVE_CALLS, (size) => deps.metrics.liveCalls.set(size)),
    watchdog: new BridgeWatchdog({
      bus: deps.bus,
      suspectAfterMs: deps.bridgeSilence?.suspectAfterMs ?? BRIDGE_SUSPECT_AFTER_MS,
      lostAfterMs: deps.bridgeSilence?.lostAfterMs ?? BRIDGE_LOST_AFTER_MS,
      now,
    }),
  };
  await server.register(formbody);
  await server.register(websocket, {
    options: { maxPayload: deps.config.MAX_FRAME_BYTES, perMessageDeflate: false },
    // The session's own listeners log and count socket errors; this only stops a broken socket.
    errorHandler: (_error, socket) => {
      if (socket.readyState === socket.OPEN) socket.terminate();
    },
  });
  registerInboundWebhook(server, ctx);
  registerStatusWebhook(server, ctx);
  registerMediaStream(server, ctx);
  const urls = transferUrls(deps.config.PUBLIC_BASE_URL);
  registerTransferRoutes(server, { ctx, outcomes: deps.transfers ?? noTransferOutcomes, urls });
  return {
    http: server,
    liveCalls: ctx.liveCalls,
    drain: (timeoutMs) => drainLiveCalls(ctx, timeoutMs),
    runCommand: twilioCallCommands(ctx, urls),
  };
}
