import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';
import {
  type CallClaimReply,
  type CallClaimRequest,
  callClaimReplySchema,
  callClaimRequestSchema,
  decodeJson,
  encodeJson,
  queueGroups,
  subjects,
} from '@voice/shared/contracts';
import type { AgentProfile } from '@voice/shared/db';
import type { Logger } from '@voice/shared/logging';
import type { BridgeMetrics } from '../metrics.js';
import type { AgentProfileStore } from './agent-profiles.js';
import type { LiveSession, SessionRegistry } from './session-registry.js';

export interface ClaimResponderDeps {
  nc: NatsConnection;
  bridgeId: string;
  registry: SessionRegistry;
  profiles: AgentProfileStore;
  metrics: BridgeMetrics;
  logger: Logger;
  /** Creates the call's session (not started yet). */
  createSession(
    claim: CallClaimRequest,
    profile: AgentProfile,
  ): LiveSession & { listen(): void; prewarm(): Promise<void> };
}

export interface ClaimResponder {
  /** Declines every claim from now on (`draining`) and leaves the queue group. */
  stop(): Promise<void>;
}

/**
 * Answers `calls.claim` in the media-bridge queue group: accepts a call when this instance has
 * room and knows the agent, replies at once, then pre-warms the session (media subscription,
 * model socket, tool discovery) while Twilio sets up the stream. A repeated claim (the
 * gateway's retry) gets the same answer; a new claim of a held call replaces the old session.
 */
export function startClaimResponder(deps: ClaimResponderDeps): ClaimResponder {
  let draining = false;
  const reply = (msg: Msg, answer: CallClaimReply, outcome: string) => {
    deps.metrics.claims.labels(outcome).inc();
    if (msg.reply) msg.respond(encodeJson(callClaimReplySchema, answer));
  };
  const decline = (
    msg: Msg,
    reason: 'at_capacity' | 'draining' | 'unknown_agent' | 'error',
    message?: string,
  ) =>
    reply(msg, { accepted: false, bridgeId: deps.bridgeId, reason, ...(message ? { message } : {}) }, reason);

  const handle = async (msg: Msg): Promise<void> => {
    const parsed = decodeJson(callClaimRequestSchema, msg.data, 'call claim');
    if (!parsed.ok) {
      deps.logger.warn({ issues: parsed.error.issues }, 'claim request rejected');
      decline(msg, 'error', 'invalid claim request');
      return;
    }
    const claim = parsed.value;
    const log = deps.logger.child({ callSid: claim.callSid, claimId: claim.claimId });
    const held = deps.registry.get(claim.callSid);
    if (held?.claimId === claim.claimId) {
      reply(msg, { accepted: true, bridgeId: deps.bridgeId, claimId: claim.claimId }, 'duplicate');
      return;
    }
    if (draining) return decline(msg, 'draining');
    if (!deps.registry.reserve()) return decline(msg, 'at_capacity');
    let profile: AgentProfile | undefined;
    try {
      profile = await deps.profiles.find(claim.agentId);
    } catch (error) {
      deps.registry.release();
      log.error({ err: error }, 'agent profile lookup failed');
      return decline(msg, 'error', 'agent profile lookup failed');
    }
    if (!profile) {
      deps.registry.release();
      log.warn({ agentId: claim.agentId }, 'claim for an unknown agent');
      return decline(msg, 'unknown_agent');
    }
    if (held) held.end('claim_superseded');
    const session = deps.createSession(claim, profile);
    deps.registry.add(session);
    // Subscribed before the answer goes out: a call taken over gets its `start` right after it.
    session.listen();
    reply(msg, { accepted: true, bridgeId: deps.bridgeId, claimId: claim.claimId }, 'accepted');
    log.info({ agentId: claim.agentId, resume: claim.resume?.reason }, 'call claimed');
    await session.prewarm();
  };

  const subscription: Subscription = deps.nc.subscribe(subjects.callClaim, {
    queue: queueGroups.mediaBridge,
    callback: (error, msg) => {
      if (error) {
        deps.logger.warn({ err: error }, 'claim subscription error');
        return;
      }
      handle(msg).catch((handlerError: unknown) => {
        deps.logger.error({ err: handlerError }, 'claim handling failed');
      });
    },
  });

  return {
    async stop() {
      draining = true;
      await subscription.drain();
    },
  };
}
