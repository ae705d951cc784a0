import { TEST_SECRETS } from '@voice/testkit/system';

/** The Calls API's answer for one call (docs/calls-api.md), as the assertions use it. */
export interface CallRecord {
  call: {
    callSid: string;
    fromNumber: string;
    toNumber: string;
    agentId: string | null;
    status: string;
    endReason: string | null;
    startedAt: string;
    answeredAt: string | null;
    endedAt: string | null;
    durationMs: number | null;
    bridgeId: string | null;
    streamSid: string | null;
  };
  transcript: Array<{
    itemId: string;
    role: 'caller' | 'agent';
    text: string;
    interrupted: boolean;
    heardMs: number | null;
  }>;
  tools: Array<{
    toolCallId: string;
    name: string;
    arguments: unknown;
    status: string;
    result: unknown;
    errorCode: string | null;
    latencyMs: number | null;
  }>;
  escalations: Array<{
    id: string;
    reason: string;
    summary: string;
    priority: string;
    queue: string;
    status: string;
    humanAgentId: string | null;
  }>;
  latency: { summary: Record<string, { count: number; p50Ms: number; maxMs: number }> };
  usage: { totals: { responses: number; totalTokens: number; outputAudioTokens: number } };
  timeline: Array<{ type: string; at: string; payload: Record<string, unknown> }>;
}

export async function fetchRecord(recorderUrl: string, callSid: string): Promise<CallRecord | undefined> {
  const res = await fetch(`${recorderUrl}/calls/${callSid}`, {
    headers: { authorization: `Bearer ${TEST_SECRETS.callsApiToken}` },
  });
  return res.ok ? ((await res.json()) as CallRecord) : undefined;
}

/**
 * The call's record once the recorder has caught up: ended, and `complete` holds (events
 * land asynchronously, e.g. the last transcript turn after the call's end).
 */
export async function settledRecord(
  recorderUrl: string,
  callSid: string,
  complete: (record: CallRecord) => boolean = () => true,
): Promise<CallRecord> {
  let record: CallRecord | undefined;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    record = await fetchRecord(recorderUrl, callSid);
    if (record !== undefined && record.call.status === 'ended' && complete(record)) return record;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `the record of ${callSid} did not settle; last seen:\n${JSON.stringify(summary(record), null, 1)}`,
  );
}

/** What a failed wait prints: enough to see what is missing. */
function summary(record: CallRecord | undefined) {
  if (!record) return 'no record';
  return {
    call: record.call,
    transcript: record.transcript.map((t) => `${t.role}${t.interrupted ? '*' : ''}: ${t.text}`),
    tools: record.tools.map((t) => `${t.name} ${t.status}`),
    escalations: record.escalations.map((e) => `${e.status} ${e.humanAgentId}`),
    timeline: record.timeline.map((e) => e.type),
  };
}
