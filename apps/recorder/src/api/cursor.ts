import { callSidSchema } from '@voice/shared/contracts';

export interface CallsCursor {
  startedAt: Date;
  callSid: string;
}

/** Opaque to clients: base64url of the last row's sort key. */
export function encodeCursor(cursor: CallsCursor): string {
  return Buffer.from(JSON.stringify([cursor.startedAt.toISOString(), cursor.callSid])).toString('base64url');
}

export function decodeCursor(text: string): CallsCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [at, sid] = value as [unknown, unknown];
    const startedAt = new Date(String(at));
    if (Number.isNaN(startedAt.getTime()) || !callSidSchema.safeParse(sid).success) return undefined;
    return { startedAt, callSid: sid as string };
  } catch {
    return undefined;
  }
}
