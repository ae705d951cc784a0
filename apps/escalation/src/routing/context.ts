import type { Database } from '@voice/shared/db';
import type { Logger } from '@voice/shared/logging';
import type { CallControl } from '@voice/shared/twilio';
import type { CallerMessages } from '../domain/caller-messages.js';
import type { StatusPublisher } from '../status/publisher.js';
import type { TwilioCallbackUrls } from '../transfer/urls.js';
import type { Announcements } from './announcement.js';

/** The configured numbers a hand-off runs with. */
export interface HandoffSettings {
  dialTimeoutSeconds: number;
  callbackEtaMinutes: number;
  holdMusicUrl: string | undefined;
  holdPauseSeconds: number;
  /** Longest wait for the agent's hand-off line to be heard before the call is moved anyway. */
  announcementWaitMs: number;
}

/** What every step of a hand-off needs: built once in `buildEscalationApp`, fakes in unit tests. */
export interface HandoffContext {
  db: Database;
  callControl: CallControl;
  announcements: Announcements;
  publisher: StatusPublisher;
  urls: TwilioCallbackUrls;
  messages: CallerMessages;
  settings: HandoffSettings;
  logger: Logger;
  now(): Date;
}
