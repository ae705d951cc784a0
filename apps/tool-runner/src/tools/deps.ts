import type { Database } from '@voice/shared/db';

/** What the tool-runner's tools need: the database and a clock (tests pin it). */
export interface ToolDeps {
  db: Database;
  now: () => Date;
}
