import { errors } from '@nats-io/nats-core';
import type { z } from 'zod';
import {
  type CallControlCommand,
  type CallControlError,
  type CallControlReply,
  type CallSid,
  callControlCommandSchema,
  callControlReplySchema,
  decodeJson,
  encodeJson,
  subjects,
  type TransferAnswered,
  type TransferAnsweredReply,
  type TransferDialEnded,
  type TransferDialEndedReply,
  type TransferHeld,
  type TransferHeldReply,
  transferAnsweredReplySchema,
  transferAnsweredSchema,
  transferDialEndedReplySchema,
  transferDialEndedSchema,
  transferHeldReplySchema,
  transferHeldSchema,
} from '../contracts/index.js';
import type { NatsConnection } from './connection.js';

type Failed = { ok: false; error: CallControlError };

/**
 * Asks the ingress carrying `callSid` to run a command. Always answers with a reply: no
 * ingress, a timeout or an unreadable answer become a retryable `unavailable` error.
 */
export function requestCallControl(
  nc: NatsConnection,
  callSid: CallSid,
  command: CallControlCommand,
  timeoutMs: number,
): Promise<CallControlReply> {
  const body = encodeJson(callControlCommandSchema, command);
  return ask(nc, subjects.callControl(callSid), body, callControlReplySchema, timeoutMs, 'call control');
}

/** The questions an ingress asks the hand-off owner about a transfer, answered the same way. */
export const transferOutcomes = {
  answered: (
    nc: NatsConnection,
    question: TransferAnswered,
    timeoutMs: number,
  ): Promise<TransferAnsweredReply> =>
    ask(
      nc,
      subjects.transferOutcome('answered'),
      encodeJson(transferAnsweredSchema, question),
      transferAnsweredReplySchema,
      timeoutMs,
      'transfer answered',
    ),
  dialEnded: (
    nc: NatsConnection,
    question: TransferDialEnded,
    timeoutMs: number,
  ): Promise<TransferDialEndedReply> =>
    ask(
      nc,
      subjects.transferOutcome('dial_ended'),
      encodeJson(transferDialEndedSchema, question),
      transferDialEndedReplySchema,
      timeoutMs,
      'transfer dial ended',
    ),
  held: (nc: NatsConnection, question: TransferHeld, timeoutMs: number): Promise<TransferHeldReply> =>
    ask(
      nc,
      subjects.transferOutcome('held'),
      encodeJson(transferHeldSchema, question),
      transferHeldReplySchema,
      timeoutMs,
      'transfer held',
    ),
};

async function ask<S extends z.ZodType<{ ok: true } | Failed>>(
  nc: NatsConnection,
  subject: string,
  body: Uint8Array,
  replySchema: S,
  timeoutMs: number,
  what: string,
): Promise<z.output<S> | Failed> {
  let data: Uint8Array;
  try {
    data = (await nc.request(subject, body, { timeout: timeoutMs })).data;
  } catch (error) {
    return unavailable(`${what}: ${transportFailure(error)}`);
  }
  const reply = decodeJson(replySchema, data, `${what} reply`);
  return reply.ok ? reply.value : unavailable(reply.error.message);
}

function transportFailure(error: unknown): string {
  const cause = error instanceof errors.RequestError ? error.cause : error;
  if (cause instanceof errors.NoRespondersError || error instanceof errors.NoRespondersError) {
    return 'nobody answers';
  }
  if (cause instanceof errors.TimeoutError || error instanceof errors.TimeoutError)
    return 'no answer in time';
  return 'not reachable';
}

function unavailable(message: string): Failed {
  return { ok: false, error: { code: 'unavailable', message: message.slice(0, 500), retryable: true } };
}
