import type { FakeRealtimeScript, ReplyTrigger } from '@voice/testkit/openai';

/** What the caller says in `demo/audio/caller-N.wav`, in order (the fake model cannot hear). */
export const CALLER_LINES = [
  'Hi, this is Jordan. When is my next appointment?',
  'Can I also book a cleaning next week, in the morning?',
  'Yes, the first one works, please book it.',
  "No, that's all, thank you, goodbye!",
];

interface Slot {
  slotId: number;
  when: string;
  with: string;
}

/** The tool envelope the bridge sent back as `function_call_output`. */
function resultOf(trigger: ReplyTrigger, tool: string): Record<string, unknown> | undefined {
  if (trigger.kind !== 'function_output') return undefined;
  const output = trigger.outputs.find((o) => o.name === tool)?.parsed as
    | { ok: boolean; result?: Record<string, unknown> }
    | undefined;
  return output?.ok ? output.result : undefined;
}

/**
 * The fake model's side of the demo call: it "hears" `CALLER_LINES` and answers the way a
 * receptionist model would, calling the real tools and speaking from their real results.
 */
export function clinicScript(): FakeRealtimeScript {
  let offered: Slot[] = [];
  return {
    callerTranscripts: CALLER_LINES,
    rules: [
      {
        when: { callerSaid: 'next appointment' },
        reply: { calls: [{ name: 'lookup_record', arguments: {} }] },
      },
      {
        when: { functionOutput: { name: 'lookup_record' } },
        reply: (trigger) => {
          const record = resultOf(trigger, 'lookup_record');
          const next = (
            record?.upcomingAppointments as Array<{ when: string; with: string }> | undefined
          )?.[0];
          const name = typeof record?.name === 'string' ? record.name.split(' ')[0] : 'there';
          return {
            say: next
              ? `Hi ${name}! Your next appointment is a check-up with ${next.with} on ${next.when}.`
              : `Hi ${name}, I don't see any upcoming appointments for you.`,
          };
        },
      },
      {
        when: { callerSaid: 'book a cleaning' },
        reply: { calls: [{ name: 'find_open_slots', arguments: { service: 'cleaning', limit: 3 } }] },
      },
      {
        when: { functionOutput: { name: 'find_open_slots' } },
        reply: (trigger) => {
          offered = (resultOf(trigger, 'find_open_slots')?.slots as Slot[] | undefined) ?? [];
          if (offered.length === 0) return { say: 'I am sorry, there are no open cleaning slots right now.' };
          return {
            say: `I have ${offered.map((s) => s.when).join(', or ')}. Would the first one work for you?`,
          };
        },
      },
      {
        when: { callerSaid: 'first one' },
        reply: () => ({
          calls: [
            { name: 'book_appointment', arguments: { slotId: offered[0]?.slotId ?? 0, reason: 'cleaning' } },
          ],
        }),
      },
      {
        when: { functionOutput: { name: 'book_appointment' } },
        reply: (trigger) => {
          const booked = resultOf(trigger, 'book_appointment');
          return {
            say: booked
              ? `You're all set: a cleaning with ${String(booked.with)} on ${String(booked.when)}. Anything else?`
              : 'I am sorry, that slot was just taken. Shall I look for another one?',
          };
        },
      },
      {
        when: { callerSaid: 'goodbye' },
        reply: { calls: [{ name: 'end_call', arguments: { reason: 'caller is done' } }] },
      },
      {
        when: { functionOutput: { name: 'end_call' } },
        reply: { say: 'Thank you for calling Maple Street Dental, Jordan. Goodbye!' },
      },
    ],
    defaultReply: { say: 'Sorry, could you say that again?' },
  };
}
