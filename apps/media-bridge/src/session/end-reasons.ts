import type { CallEventOf, MediaInControl } from '@voice/shared/contracts';

/** Why the gateway stopped the stream (its `stop` control). */
export type GatewayStopReason = Extract<MediaInControl, { type: 'stop' }>['reason'];

/** Why the call cannot go on with a model: the `session.failed` event's reason. */
export type SessionFailure = CallEventOf<'session.failed'>['reason'];

/**
 * The session end reason for each gateway stop. The values are the ones logs and the
 * `media_bridge_sessions_ended_total` label have always carried (`stop_<gateway reason>`).
 */
export const GATEWAY_STOP_END_REASONS = {
  caller_hangup: 'stop_caller_hangup',
  stream_closed: 'stop_stream_closed',
  call_ended: 'stop_call_ended',
  transferred: 'stop_transferred',
  claim_superseded: 'stop_claim_superseded',
} as const satisfies Record<GatewayStopReason, `stop_${GatewayStopReason}`>;

const SESSION_FAILURES = [
  'invalid_profile',
  'session_config_rejected',
  'model_unreachable',
  'model_lost',
] as const satisfies readonly SessionFailure[];

/** Every way a call session ends; the values go to logs and metric labels as they are. */
export const SESSION_END_REASONS = [
  ...Object.values(GATEWAY_STOP_END_REASONS),
  ...SESSION_FAILURES,
  /** The gateway never said `start` within `streamStartTimeoutMs`. */
  'stream_start_timeout',
  /** The bridge asked for a hang-up and no `stop` followed. */
  'hangup_unconfirmed',
  /** This bridge is shutting down and gave the call back to the gateway. */
  'bridge_draining',
  /** Giving the call back failed; the session ends anyway. */
  'hand_back_failed',
  /** A newer claim for the same call came to this bridge. */
  'claim_superseded',
] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

export function endReasonForStop(reason: GatewayStopReason): SessionEndReason {
  return GATEWAY_STOP_END_REASONS[reason];
}
