import type { StreamingCall } from '@voice/shared/contracts';

/** Who a streaming call is between: what claiming it again (failover) needs. */
export type StartedCall = Pick<StreamingCall, 'accountSid' | 'from' | 'to' | 'agentId'>;
