import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Database } from '@voice/shared/db';
import { callLogger, type Logger } from '@voice/shared/logging';
import type { JetStreamOutbox, TurnPublisher } from '@voice/shared/nats';
import { askTool, type DiscoveredTool, discoverTools } from '@voice/tool-kit';
import { createAgentProfileStore } from './claims/agent-profiles.js';
import { type ClaimResponder, startClaimResponder } from './claims/claim-responder.js';
import { SessionRegistry } from './claims/session-registry.js';
import { type CallHistorySource, createJetStreamHistory } from './history/call-history.js';
import type { BridgeMetrics } from './metrics.js';
import type { RealtimeTransportFactory } from './model/transport.js';
import { CallSession } from './session/call-session.js';
import type { SessionSettings } from './session/session-deps.js';
import { ToolCatalog } from './tools/tool-catalog.js';
import type { ToolInvoker } from './tools/tool-loop.js';

export interface MediaBridgeSettings extends SessionSettings {
  maxSessions: number;
  toolDiscoveryMaxWaitMs: number;
}

export interface MediaBridgeDeps {
  nc: NatsConnection;
  /** The process's one media publisher: every call's audio and controls leave together per turn. */
  publisher: TurnPublisher;
  db: Database;
  outbox: JetStreamOutbox;
  logger: Logger;
  metrics: BridgeMetrics;
  /** This instance's name: the `bridgeId` in claim replies and events. */
  bridgeId: string;
  openTransport: RealtimeTransportFactory;
  settings: MediaBridgeSettings;
  /** Defaults: NATS request/reply to the tool workers, and their service discovery (every tool). */
  invoker?: ToolInvoker;
  discover?: () => Promise<DiscoveredTool[]>;
  /** Default: the call's events in JetStream `CALLS`. */
  history?: CallHistorySource;
}

export interface MediaBridge {
  /** Starts answering claims and sending heartbeats. */
  start(): void;
  readonly activeSessions: number;
  /** Declines new claims and leaves the claim queue group. */
  stopClaiming(): Promise<void>;
  /**
   * Hands every live call over to another bridge (through the gateway) at its next quiet
   * moment, within `timeoutMs`; resolves true when no call is left here.
   */
  drain(timeoutMs: number): Promise<boolean>;
  /** Hands every live call back to the gateway, ends its session and stops heartbeats. */
  closeAll(): void;
}

/** The media bridge: claims calls and runs one `CallSession` per call. */
export function createMediaBridge(deps: MediaBridgeDeps): MediaBridge {
  const registry = new SessionRegistry(deps.settings.maxSessions, deps.metrics, deps.logger);
  const invoker = deps.invoker ?? { invoke: (request) => askTool(deps.nc, request) };
  const tools = new ToolCatalog(
    deps.discover ?? (() => discoverTools(deps.nc, { maxWaitMs: deps.settings.toolDiscoveryMaxWaitMs })),
  );
  const history = deps.history ?? createJetStreamHistory(jetstream(deps.nc), deps.logger);
  let responder: ClaimResponder | undefined;

  return {
    start() {
      registry.startHeartbeats();
      responder = startClaimResponder({
        nc: deps.nc,
        bridgeId: deps.bridgeId,
        registry,
        profiles: createAgentProfileStore(deps.db),
        metrics: deps.metrics,
        logger: deps.logger,
        createSession: (claim, profile) =>
          new CallSession({
            claim,
            profile,
            bridgeId: deps.bridgeId,
            nc: deps.nc,
            publisher: deps.publisher,
            outbox: deps.outbox,
            logger: callLogger(deps.logger, claim.callSid, {
              claimId: claim.claimId,
              agentId: claim.agentId,
            }),
            metrics: deps.metrics,
            openTransport: deps.openTransport,
            invoker,
            tools,
            history,
            settings: deps.settings,
            onEnded: (session) => registry.remove(session),
          }),
      });
    },
    get activeSessions() {
      return registry.size;
    },
    async stopClaiming() {
      await responder?.stop();
    },
    drain(timeoutMs) {
      registry.handOverWhenQuiet(timeoutMs);
      return registry.whenEmpty(timeoutMs);
    },
    closeAll() {
      registry.handBackAll();
      registry.stopHeartbeats();
    },
  };
}
