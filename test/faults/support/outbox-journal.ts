import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One message line of a service's outbox journal (acknowledgement lines are left out). */
export interface JournalMessage {
  subject: string;
  msgId: string;
}

/** The journal directories under `<root>/<service>` (one per process that wrote or adopted one). */
export function journalDirs(root: string, service: string): string[] {
  try {
    return readdirSync(join(root, service)).map((name) => join(root, service, name));
  } catch {
    return [];
  }
}

/** Every message line written to a service's journals so far, read as the files are on disk. */
export function journalMessages(root: string, service: string): JournalMessage[] {
  return journalDirs(root, service).flatMap((dir) =>
    readdirSync(dir)
      .filter((name) => name.startsWith('segment-'))
      .sort()
      .flatMap((name) => readFileSync(join(dir, name), 'utf8').split('\n'))
      .flatMap((line) => {
        const value = line === '' ? undefined : (JSON.parse(line) as Partial<JournalMessage>);
        return value?.subject && value.msgId ? [{ subject: value.subject, msgId: value.msgId }] : [];
      }),
  );
}
