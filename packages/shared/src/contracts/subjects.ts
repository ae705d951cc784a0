import type { TransferOutcomeEvent } from './call-control.js';
import type { CallSid, ClaimId, ToolName } from './ids.js';

/**
 * Every NATS subject in the system. Media travels on core NATS (a late frame is a lost
 * frame); call events and escalations travel on JetStream (they must not be lost).
 */
export const subjects = {
  /** gateway → media-bridge pool: request/reply in the `media-bridge` queue group. */
  callClaim: 'calls.claim',
  /** every service → JetStream `CALLS`: the story of one call, consumed by the recorder. */
  callEvents: (callSid: CallSid) => `calls.events.${callSid}`,
  callEventsAll: 'calls.events.>',
  /** media-bridge → tool workers: request/reply, one endpoint per tool. */
  tool: (name: ToolName) => `tools.${name}`,
  toolsAll: 'tools.>',
  /** media-bridge → JetStream `ESCALATIONS` → escalation worker. */
  escalationRequested: 'escalations.requested',
  /** escalation worker → JetStream `ESCALATIONS` → media-bridge (core subscription) and recorder. */
  escalationStatus: (callSid: CallSid) => `escalations.status.${callSid}`,
  escalationStatusAll: 'escalations.status.>',
  /** media-bridge → JetStream `ESCALATIONS` → escalation worker: the hand-off line was heard. */
  escalationAnnounced: (callSid: CallSid) => `escalations.announced.${callSid}`,
  /** anyone → the ingress carrying the call: `CallControlCommand` request/reply (core NATS). */
  callControl: (callSid: CallSid) => `calls.control.${callSid}`,
  callControlAll: 'calls.control.*',
  /**
   * ingress → hand-off owner: a transfer's outcome, request/reply (core NATS). Outside
   * `escalations.>`, which JetStream stores (and would answer with a publish ack).
   */
  transferOutcome: (event: TransferOutcomeEvent) => `transfers.${event}`,
} as const;

export const queueGroups = {
  mediaBridge: 'media-bridge',
  tools: 'tools',
  /** The Twilio gateways: any instance carries any Twilio call's commands. */
  callControl: 'call-control',
  /** The escalation instances: any one answers a transfer's outcome. */
  transferOutcomes: 'transfer-outcomes',
} as const;

/**
 * The media subjects of one claim of a call. A claim id is part of every subject so that a
 * bridge that lost its claim (failover, drain) can never talk into the call again.
 * Computed once per call: nothing is concatenated per frame.
 */
export interface MediaSubjects {
  /** gateway → bridge: caller audio; the message body is the base64 mu-law payload as Twilio sent it. */
  readonly inAudio: string;
  /** gateway → bridge: `MediaInControl` JSON (mark echoes, DTMF, stop). */
  readonly inControl: string;
  /** the bridge subscribes here once, so audio and control arrive in the order they were sent. */
  readonly inAll: string;
  /** bridge → gateway: agent audio; the body is the base64 mu-law payload as the model sent it. */
  readonly outAudio: string;
  /** bridge → gateway: `MediaOutControl` JSON (mark, clear, hang-up, heartbeat, release). */
  readonly outControl: string;
  readonly outAll: string;
}

export function mediaSubjects(callSid: CallSid, claimId: ClaimId): MediaSubjects {
  const root = `media.${callSid}.${claimId}`;
  return {
    inAudio: `${root}.in.audio`,
    inControl: `${root}.in.ctl`,
    inAll: `${root}.in.>`,
    outAudio: `${root}.out.audio`,
    outControl: `${root}.out.ctl`,
    outAll: `${root}.out.>`,
  };
}
