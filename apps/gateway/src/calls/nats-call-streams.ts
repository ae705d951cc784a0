import { type CallStream, callStreamSchema, decodeJson } from '@voice/shared/contracts';
import { isRevisionConflict, type KV } from '@voice/shared/nats';
import type { CallStreams } from './call-streams.js';

const ENDED: CallStream = { state: 'ended' };

/**
 * The stream slots on a NATS KV bucket (`KV_BUCKETS.callStreams`), shared by every gateway:
 * `take` is a `create`, a publish expecting the key's last sequence to be 0, so JetStream
 * refuses every racing writer but the first (docs.nats.io, "Key/Value Store": create); `close`
 * overwrites whatever the slot held.
 */
export function createNatsCallStreams(kv: KV): CallStreams {
  return {
    async take(callSid, stream) {
      try {
        await kv.create(callSid, JSON.stringify(stream));
        return true;
      } catch (error) {
        if (isRevisionConflict(error)) return false;
        throw error;
      }
    },
    async close(callSid) {
      await kv.put(callSid, JSON.stringify(ENDED));
    },
    async read(callSid) {
      const entry = await kv.get(callSid);
      if (entry === null || entry.operation !== 'PUT') return undefined;
      const slot = decodeJson(callStreamSchema, entry.value, 'call stream');
      if (!slot.ok)
        throw new Error(`the call-streams entry of ${callSid} is unreadable: ${slot.error.message}`);
      return slot.value;
    },
  };
}
