import type { Database } from '@voice/shared/db';
import type { Logger } from '@voice/shared/logging';
import type { CallControl } from '@voice/shared/twilio';
import type { CallerMessages } from '../domain/caller-messages.js';
import type { StatusPublisher } from '../status/publisher.js';
import type { TwilioCallbackUrls } from '../transfer/urls.js';

/** The configured numbers a hand-off runs with. */
export interface HandoffSettings {
  dialTimeoutSeconds: number;
  callbackEtaMinutes: number;
  holdMusicUrl: string | undefined;
  holdPauseSeconds: number;
}

/** What every step of a hand-off needs: built once in `buildEscalationApp`, fakes in unit tests. */
export interface HandoffContext {
  db: Database;
  callControl: CallControl;
  publisher: StatusPublisher;
  urls: TwilioCallbackUrls;
  messages: CallerMessages;
  settings: HandoffSettings;
  logger: Logger;
  now(): Date;
}
