import { randomBytes } from 'node:crypto';
import { type CallClaimRequest, mediaSubjects } from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import type { GatewayMetrics } from '../metrics.js';
import type { MediaBus } from './media-bus.js';

/** Bytes of randomness in a claim id (base64url → 16 characters, inside the contract's 6–40). */
const CLAIM_ID_BYTES = 12;

/** A new, unguessable claim id: part of every media subject of the claim. */
function newClaimId(): string {
  return randomBytes(CLAIM_ID_BYTES).toString('base64url');
}

export interface ClaimOptions {
  attempts: number;
  timeoutMs: number;
  bus: MediaBus;
  metrics: GatewayMetrics;
  logger: Logger;
}

/** The claim held for a call: the bridge that took it and the id naming its media subjects. */
export interface HeldClaim {
  claimId: string;
  bridgeId: string;
}

/** Why no bridge took the call. */
export type ClaimFailure = 'no_responders' | 'exhausted';

/**
 * Asks the media-bridge pool to take the call. A queue group hands each request to one random
 * member, so a decline (that bridge is full or draining) or a timeout is worth asking again,
 * with a fresh claim id each time; no responders at all is not. A claim abandoned after a
 * timeout gets a `stop`, so a bridge that accepted late frees its slot.
 */
export async function claimCall(
  request: Omit<CallClaimRequest, 'claimId' | 'requestedAt'>,
  options: ClaimOptions,
): Promise<{ ok: true; claim: HeldClaim } | { ok: false; failure: ClaimFailure }> {
  const { bus, metrics, logger } = options;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    const claimId = newClaimId();
    const startedAt = performance.now();
    const answer = await bus.requestClaim(
      { ...request, claimId, requestedAt: new Date().toISOString() },
      options.timeoutMs,
    );
    metrics.claimLatency.observe({ outcome: answer.kind }, performance.now() - startedAt);
    switch (answer.kind) {
      case 'accepted':
        return { ok: true, claim: { claimId, bridgeId: answer.bridgeId } };
      case 'no_responders':
        logger.warn({ attempt }, 'no media-bridge is listening for claims');
        return { ok: false, failure: 'no_responders' };
      case 'timeout':
        logger.warn({ attempt, timeoutMs: options.timeoutMs }, 'claim request timed out');
        bus.sendControl(mediaSubjects(request.callSid, claimId), {
          type: 'stop',
          reason: 'claim_superseded',
        });
        break;
      case 'declined':
        logger.info({ attempt, bridgeId: answer.bridgeId, reason: answer.reason }, 'claim declined');
        break;
      case 'invalid_reply':
        logger.warn({ attempt, detail: answer.detail }, 'claim reply does not match the contract');
        break;
    }
  }
  return { ok: false, failure: 'exhausted' };
}
