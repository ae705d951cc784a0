import type { NatsConnection } from '@nats-io/nats-core';
import type { CallClaimRequest } from '@voice/shared/contracts';
import type { AgentProfile } from '@voice/shared/db';
import type { Logger } from '@voice/shared/logging';
import type { JetStreamOutbox, TurnPublisher } from '@voice/shared/nats';
import type { CallHistorySource } from '../history/call-history.js';
import type { BridgeMetrics } from '../metrics.js';
import type { RealtimeTransportFactory } from '../model/transport.js';
import type { ToolSource } from '../tools/tool-catalog.js';
import type { ToolInvoker } from '../tools/tool-loop.js';
import type { CallSession } from './call-session.js';
import type { SessionEndReason } from './end-reasons.js';

/** Per-call timings, from the bridge's configuration. */
export interface SessionSettings {
  streamStartTimeoutMs: number;
  modelConnectTimeoutMs: number;
  modelSessionMaxMs: number;
  modelConnectAttempts: number;
  dtmfCollectMs: number;
}

export interface CallSessionDeps {
  claim: CallClaimRequest;
  profile: AgentProfile;
  bridgeId: string;
  nc: NatsConnection;
  /** The bridge's one media publisher: every call's audio and controls leave together per turn. */
  publisher: TurnPublisher;
  outbox: JetStreamOutbox;
  /** Already bound to the call (call SID on every line). */
  logger: Logger;
  metrics: BridgeMetrics;
  openTransport: RealtimeTransportFactory;
  invoker: ToolInvoker;
  /** The worker tools serving: the bridge's recent list, and discovery. */
  tools: ToolSource;
  /** The call's events so far: what a call taken over from another bridge restores. */
  history: CallHistorySource;
  settings: SessionSettings;
  onEnded(session: CallSession, reason: SessionEndReason): void;
}
