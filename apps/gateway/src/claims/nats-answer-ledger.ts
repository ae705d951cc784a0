import { callAnswerSchema, decodeJson } from '@voice/shared/contracts';
import { isRevisionConflict, type KV, type KvEntry } from '@voice/shared/nats';
import type { AnswerLedger, LedgerEntry } from './answer-ledger.js';

/** An entry that holds no answer: never written, or a delete/purge marker. */
function isLive(entry: KvEntry | null): entry is KvEntry {
  return entry !== null && entry.operation === 'PUT';
}

function decode(callSid: string, entry: KvEntry): LedgerEntry {
  const answer = decodeJson(callAnswerSchema, entry.value, 'call answer');
  if (!answer.ok)
    throw new Error(`the call-answers entry of ${callSid} is unreadable: ${answer.error.message}`);
  return { answer: answer.value, revision: entry.revision };
}

/** Undefined when the write lost a compare-and-set race; any other failure is thrown. */
async function unlessConflict(write: Promise<number>): Promise<number | undefined> {
  try {
    return await write;
  } catch (error) {
    if (isRevisionConflict(error)) return undefined;
    throw error;
  }
}

/**
 * The answer ledger on a NATS KV bucket (`KV_BUCKETS.callAnswers`), shared by every gateway:
 * `create` is a publish expecting the key's last sequence to be 0 and `replace` one expecting
 * the revision read, so JetStream orders racing writers and refuses all but one
 * (docs.nats.io, "Key/Value Store": create / update).
 */
export function createNatsAnswerLedger(kv: KV): AnswerLedger {
  return {
    create: (callSid, answer) => unlessConflict(kv.create(callSid, JSON.stringify(answer))),
    async read(callSid) {
      const entry = await kv.get(callSid);
      return isLive(entry) ? decode(callSid, entry) : undefined;
    },
    replace: (callSid, answer, revision) =>
      unlessConflict(kv.update(callSid, JSON.stringify(answer), revision)),
    async release(callSid, revision) {
      try {
        await kv.delete(callSid, { previousSeq: revision });
      } catch (error) {
        if (!isRevisionConflict(error)) throw error;
      }
    },
    changed: (callSid, revision, timeoutMs) => watchPast(kv, callSid, revision, timeoutMs),
  };
}

/**
 * Waits for the key to move past `revision`. The watch starts with the key's current value,
 * so a write that landed between the caller's read and this watch is not missed.
 */
async function watchPast(kv: KV, callSid: string, revision: number, timeoutMs: number): Promise<void> {
  const watch = await kv.watch({ key: callSid });
  const timer = setTimeout(() => watch.stop(), timeoutMs);
  try {
    for await (const entry of watch) {
      if (entry.revision !== revision) break;
    }
  } finally {
    clearTimeout(timer);
    watch.stop();
  }
}
