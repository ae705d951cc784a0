const RECORD_TIMEOUT_MS = 20_000;

export interface CallRecord {
  call: { status: string; endReason: string | null; durationMs: number | null };
  transcript: unknown[];
  tools: unknown[];
  latency: { summary: Record<string, { p50Ms: number; count: number }> };
  usage: { totals: { totalTokens: number } };
}

/** Polls the Calls API until the recorder has closed the call's record. */
export async function waitForRecord(
  recorderUrl: string,
  token: string,
  callSid: string,
): Promise<CallRecord> {
  const deadline = Date.now() + RECORD_TIMEOUT_MS;
  let last: CallRecord | undefined;
  while (Date.now() < deadline) {
    const res = await fetch(`${recorderUrl}/calls/${callSid}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (res.ok) {
      last = (await res.json()) as CallRecord;
      if (last.call.status === 'ended') return last;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the call's record was not closed within ${RECORD_TIMEOUT_MS / 1_000} s`);
}

export function summariseRecord(record: CallRecord): string {
  const latency = Object.entries(record.latency.summary)
    .map(([kind, s]) => `${kind} p50 ${Math.round(s.p50Ms)} ms (${s.count})`)
    .join(', ');
  const seconds = record.call.durationMs === null ? '?' : (record.call.durationMs / 1_000).toFixed(1);
  return `Recorded: ${seconds} s, ${record.transcript.length} turns, ${record.tools.length} tool calls, ${record.usage.totals.totalTokens} model tokens; ${latency}.`;
}
