import {
  type CallControlReply,
  callControlCommandSchema,
  callControlReplySchema,
  callSidSchema,
  decodeJson,
  encodeJson,
  queueGroups,
  subjects,
} from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import { type NatsConnection, type ReplyServer, serveReplies } from '@voice/shared/nats';
import type { CallCommandRunner } from './call-commands.js';

/**
 * Answers `calls.control.<callSid>` in the `call-control` queue group: any gateway reaches any
 * Twilio call over REST, so one instance takes each command. A malformed command is answered
 * `invalid`; every other one with what running it gave.
 */
export function serveCallCommands(nc: NatsConnection, run: CallCommandRunner, logger: Logger): ReplyServer {
  return serveReplies(
    nc,
    {
      subject: subjects.callControlAll,
      queue: queueGroups.callControl,
      what: 'call-control command',
      logger: logger.child({ component: 'call-control' }),
    },
    async (subject, data) => encodeJson(callControlReplySchema, await answer(subject, data, run)),
  );
}

async function answer(subject: string, data: Uint8Array, run: CallCommandRunner): Promise<CallControlReply> {
  const callSid = callSidSchema.safeParse(subject.slice(subjects.callControl('').length));
  const command = decodeJson(callControlCommandSchema, data, 'call-control command');
  if (!callSid.success) return invalid(`not a call's subject: ${subject}`);
  if (!command.ok) return invalid(command.error.message);
  return run(callSid.data, command.value);
}

function invalid(message: string): CallControlReply {
  return { ok: false, error: { code: 'invalid', message: message.slice(0, 500), retryable: false } };
}
