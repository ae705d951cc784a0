import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import {
  type CallSid,
  decodeJson,
  type EscalationStatus,
  type EscalationStatusValue,
  encodeJson,
  escalationAnnouncedSchema,
  escalationStatusSchema,
  subjects,
  type ToolResponse,
} from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import type { JetStreamOutbox } from '@voice/shared/nats';
import { toolFailure } from '@voice/tool-kit';
import type { ServerEvent } from '../model/server-events.js';
import type { Transcript } from '../session/transcript.js';
import { AnnouncementWatch } from './announcement.js';
import { escalateArgumentsSchema } from './system-tools.js';

/** Longest wait for the caller's last words to be transcribed before a hand-off goes out (ms). */
const HANDOFF_TRANSCRIPT_WAIT_MS = 2_000;

export interface EscalationDeps {
  nc: NatsConnection;
  outbox: JetStreamOutbox;
  callSid: CallSid;
  agentId: string;
  caller: string;
  transcript: Transcript;
  logger: Logger;
  /** Nothing forwarded is still waiting to be played. */
  playbackIdle(): boolean;
  /** A status the caller must hear about (call-back, queue, failure, no answer). */
  onUpdate(status: EscalationStatus): void;
}

/** Statuses the agent tells the caller about; `dialing`/`connected` move the call, nothing to say. */
const TOLD_TO_CALLER: ReadonlySet<EscalationStatusValue> = new Set([
  'callback_scheduled',
  'queued',
  'failed',
  'no_answer',
]);

/** How long the tool answer waits for JetStream to store the request before answering anyway (the outbox keeps retrying). */
const STORE_WAIT_MS = 2_000;
const MAX_HANDOFF_TURNS = 500;

/**
 * `escalate_to_human`: publishes the hand-off request to JetStream (message id
 * `${callSid}:${toolCallId}`, so a retry never transfers twice), tells the model to say one
 * short line, and follows the escalation's status so the caller hears about a call-back or a
 * queue. Once that line has played, `escalations.announced.<callSid>` tells the escalation
 * service it may move the call without cutting the agent off.
 */
export class Escalations {
  private subscription: Subscription | undefined;
  private readonly seenEvents = new Set<string>();
  private readonly announcement: AnnouncementWatch;

  constructor(private readonly deps: EscalationDeps) {
    this.announcement = new AnnouncementWatch({
      playbackIdle: () => deps.playbackIdle(),
      announced: (escalationId) => this.publishAnnounced(escalationId),
    });
  }

  /** Model events: the response after the tool answer is the hand-off line. */
  onModelEvent(event: ServerEvent): void {
    if (event.type === 'response.created') this.announcement.onResponseCreated(event.response.id);
    else if (event.type === 'response.done') this.announcement.onResponseDone(event.response.id);
  }

  /** A mark was acknowledged (or audio cleared). */
  onPlayback(): void {
    this.announcement.onPlayback();
  }

  async request(toolCallId: string, args: unknown): Promise<ToolResponse> {
    const parsed = escalateArgumentsSchema.safeParse(args);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      return toolFailure('bad_arguments', `Invalid arguments: ${issues}`, true);
    }
    const escalationId = `${this.deps.callSid}:${toolCallId}`;
    this.follow();
    // The caller's last words are transcribed beside the model's answer: wait for them (bounded).
    await this.deps.transcript.transcribed(HANDOFF_TRANSCRIPT_WAIT_MS);
    const stored = this.deps.outbox.publishEscalationRequested({
      escalationId,
      callSid: this.deps.callSid,
      toolCallId,
      agentId: this.deps.agentId,
      caller: this.deps.caller,
      reason: parsed.data.reason,
      summary: parsed.data.summary,
      priority: parsed.data.priority,
      transcript: this.deps.transcript.forHandOff().slice(-MAX_HANDOFF_TURNS),
      requestedAt: new Date().toISOString(),
    });
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([
      stored.then(() => 'stored' as const),
      new Promise<'pending'>((resolve) => {
        timer = setTimeout(() => resolve('pending'), STORE_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    this.deps.logger.info({ escalationId, priority: parsed.data.priority, waited }, 'escalation requested');
    this.announcement.expect(escalationId);
    return {
      ok: true,
      replayed: false,
      result: {
        escalationId,
        status: 'requested',
        instructions:
          'Tell the caller in one short sentence that you are connecting them with a colleague now, then wait.',
      },
    };
  }

  close(): void {
    this.announcement.close();
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  private publishAnnounced(escalationId: string): void {
    const { callSid } = this.deps;
    const fact = { escalationId, callSid, at: new Date().toISOString() };
    this.deps.logger.info({ escalationId }, 'hand-off line heard');
    this.deps.outbox
      .publish(
        subjects.escalationAnnounced(callSid),
        encodeJson(escalationAnnouncedSchema, fact),
        `${escalationId}:announced`,
      )
      .catch((error: unknown) =>
        // The escalation service moves the call after its bound anyway.
        this.deps.logger.warn({ err: error, escalationId }, 'hand-off line fact not published'),
      );
  }

  private follow(): void {
    if (this.subscription) return;
    this.subscription = this.deps.nc.subscribe(subjects.escalationStatus(this.deps.callSid), {
      callback: (error, msg) => {
        if (error) {
          this.deps.logger.warn({ err: error }, 'escalation status subscription error');
          return;
        }
        const status = decodeJson(escalationStatusSchema, msg.data, 'escalation status');
        if (!status.ok) {
          this.deps.logger.warn({ issues: status.error.issues }, 'escalation status rejected');
          return;
        }
        if (this.seenEvents.has(status.value.eventId)) return;
        this.seenEvents.add(status.value.eventId);
        this.deps.logger.info(
          { escalationId: status.value.escalationId, status: status.value.status },
          'escalation status',
        );
        if (TOLD_TO_CALLER.has(status.value.status)) {
          try {
            this.deps.onUpdate(status.value);
          } catch (handlerError) {
            this.deps.logger.error({ err: handlerError }, 'escalation update handler failed');
          }
        }
      },
    });
  }
}
