import type { CallControlCommand, CallControlReply } from '@voice/shared/contracts';
import type { Database } from '@voice/shared/db';
import type { Logger } from '@voice/shared/logging';
import type { CallerMessages } from '../domain/caller-messages.js';
import type { StatusPublisher } from '../status/publisher.js';
import type { Announcements } from './announcement.js';

/** The configured numbers a hand-off runs with. */
export interface HandoffSettings {
  dialTimeoutSeconds: number;
  callbackEtaMinutes: number;
  /** Longest wait for the agent's hand-off line to be heard before the call is moved anyway. */
  announcementWaitMs: number;
}

/**
 * The call-control port: commands to the ingress carrying a call (`requestCallControl` on NATS
 * in production). Always a reply; a refusal says whether retrying can help.
 */
export interface CallControlPort {
  send(callSid: string, command: CallControlCommand): Promise<CallControlReply>;
}

/** What every step of a hand-off needs: built once in `buildEscalationApp`, fakes in unit tests. */
export interface HandoffContext {
  db: Database;
  callControl: CallControlPort;
  announcements: Announcements;
  publisher: StatusPublisher;
  messages: CallerMessages;
  settings: HandoffSettings;
  logger: Logger;
  now(): Date;
}
