import type { Logger } from '@voice/shared/logging';
import type { CallControl } from '@voice/shared/twilio';
import type { AgentDirectory } from './calls/agent-directory.js';
import type { CallEventSink } from './calls/call-events.js';
import type { CallStreams } from './calls/call-streams.js';
import type { EndRequests } from './calls/end-requests.js';
import type { LiveCalls } from './calls/live-calls.js';
import type { AnswerLedger } from './claims/answer-ledger.js';
import type { BridgeWatchdog } from './claims/bridge-watchdog.js';
import type { MediaBus } from './claims/media-bus.js';
import type { GatewayConfig } from './config.js';
import type { GatewayMetrics } from './metrics.js';
import type { TransferOutcomes } from './transfer/transfer-outcomes.js';
import type { PublicUrls } from './urls.js';

/** Everything the gateway is built from; `main.ts` passes the real ones, tests pass fakes. */
export interface GatewayDeps {
  config: GatewayConfig;
  logger: Logger;
  /** Which agent answers a dialled number: the gateway's only database read (it writes none). */
  agents: AgentDirectory;
  bus: MediaBus;
  events: CallEventSink;
  /** Twilio's REST API: hang-ups go through it, never through closing the socket alone. */
  callControl: CallControl;
  metrics: GatewayMetrics;
  /**
   * Where every gateway instance agrees on each call's webhook answer, so a retried webhook
   * never claims twice; the NATS KV one in production. Default: this process only.
   */
  answers?: AnswerLedger;
  /**
   * Where every gateway instance agrees that a call's stream started once (a stream token is
   * single-use) and that the call ended; the NATS KV one in production. Default: this process only.
   */
  streams?: CallStreams;
  /** This instance's name, sent with every claim. */
  gatewayId: string;
  /** True once shutdown began: new calls are answered busy. */
  isDraining: () => boolean;
  /** Epoch milliseconds; injectable so token expiry can be tested. */
  now?: () => number;
  /** Asks the hand-off owner about a transfer's callbacks; the NATS one in production. Default: nobody answers. */
  transfers?: TransferOutcomes;
  /** When a silent bridge is probed and given up (ms); tests make them short. */
  bridgeSilence?: { suspectAfterMs: number; lostAfterMs: number };
}

/** The dependencies plus what the gateway derives from them once. */
export interface GatewayContext extends GatewayDeps {
  answers: AnswerLedger;
  streams: CallStreams;
  /** Why this gateway asked calls to end, until Twilio confirms it. */
  endRequests: EndRequests;
  urls: PublicUrls;
  liveCalls: LiveCalls;
  /** Notices a bridge that died or hung under a streaming call. */
  watchdog: BridgeWatchdog;
  now: () => number;
}
