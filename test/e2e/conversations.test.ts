import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CALLER_LINES, clinicScript } from '@voice/demo/clinic-script';
import {
  appointments,
  DEMO_AGENT_ID,
  DEMO_AGENT_NUMBER,
  DEMO_CALLER_NUMBER,
  migrationsFolder,
} from '@voice/shared/db';
import { callerSays, mulawTone, type SimulatedCall, waitForAgentTurn } from '@voice/testkit/twilio';
import { useTestInfra } from '@voice/testkit/vitest';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../repo.js';
import { type CallRecord, settledRecord } from './support/call-record.js';
import { type E2eSystem, startE2eSystem } from './support/e2e-system.js';

const GREETING = 'Thank you for calling Maple Street Dental, this is Riley. How can I help you today?';
const SECOND_CALLER = '+15550100002';
const HUMANS = { 'alex-front-desk': '+15550102001', 'sam-front-desk': '+15550102002' } as const;
const artifacts = join(repoRoot, 'test-artifacts');
const wav = (n: number) => join(repoRoot, 'demo', 'audio', `caller-${n}.wav`);
/** A short burst of voice-like energy: the fake model "hears" the next scripted transcript. */
const utterance = () => mulawTone(900, 300);

const roles = (record: CallRecord) => record.transcript.map((t) => t.role);
const agentTurns = (record: CallRecord) => record.transcript.filter((t) => t.role === 'agent');
const timelineTypes = (record: CallRecord) => record.timeline.map((e) => e.type);

describe('end to end: every app as a real process, real NATS and Postgres, the fakes outside', () => {
  const infra = useTestInfra({ migrationsFolder });
  let e2e: E2eSystem;

  beforeAll(async () => {
    e2e = await startE2eSystem(infra);
  }, 180_000);
  afterAll(async () => {
    // Every service's log lines, for whoever has to read a failure in CI.
    await mkdir(artifacts, { recursive: true });
    await writeFile(join(artifacts, 'e2e-service-logs.jsonl'), e2e?.logs.join('\n') ?? '');
    await e2e?.stop();
  });

  async function speak(call: SimulatedCall, audio: Buffer | string): Promise<void> {
    await waitForAgentTurn(call);
    await callerSays(call, audio);
  }

  it('books an appointment: greeting, lookup, open slots, booking, goodbye, hang-up', async () => {
    e2e.model.setScript(clinicScript());
    const call = await e2e.call({ from: DEMO_CALLER_NUMBER, to: DEMO_AGENT_NUMBER });
    for (let line = 1; line <= CALLER_LINES.length; line++) await speak(call, wav(line));
    const end = await call.ended;
    expect(end.reason).toBe('rest_completed');
    expect(e2e.twilio.updatesFor(call.callSid)).toEqual([expect.objectContaining({ status: 'completed' })]);
    // The caller heard the greeting and four answers: well over ten seconds of agent audio.
    expect(call.heardAudio().length / 8).toBeGreaterThan(10_000);

    const record = await settledRecord(
      e2e.system.recorderUrl,
      call.callSid,
      (r) => r.transcript.length === 9,
    );
    expect(record.call).toMatchObject({
      callSid: call.callSid,
      fromNumber: DEMO_CALLER_NUMBER,
      toNumber: DEMO_AGENT_NUMBER,
      agentId: DEMO_AGENT_ID,
      status: 'ended',
      endReason: 'agent_ended',
      bridgeId: 'media-bridge-1',
      streamSid: call.stream?.streamSid,
    });
    const { startedAt, answeredAt, endedAt, durationMs } = record.call;
    expect(Date.parse(answeredAt ?? '')).toBeGreaterThanOrEqual(Date.parse(startedAt));
    expect(Date.parse(endedAt ?? '')).toBeGreaterThan(Date.parse(answeredAt ?? ''));
    expect(durationMs).toBeGreaterThan(10_000);

    expect(roles(record)).toEqual([
      'agent',
      'caller',
      'agent',
      'caller',
      'agent',
      'caller',
      'agent',
      'caller',
      'agent',
    ]);
    expect(record.transcript.filter((t) => t.role === 'caller').map((t) => t.text)).toEqual([
      ...CALLER_LINES,
    ]);
    const said = agentTurns(record).map((t) => t.text);
    expect(said[0]).toBe(GREETING);
    expect(said[1]).toMatch(/^Hi Jordan! Your next appointment is a check-up with Dr\. Priya Patel on /);
    expect(said[2]).toMatch(/^I have .+ Would the first one work for you\?$/);
    expect(said[3]).toMatch(/^You're all set: a cleaning with Hygienist Dana Kim on .+\. Anything else\?$/);
    expect(said[4]).toBe('Thank you for calling Maple Street Dental, Jordan. Goodbye!');
    expect(agentTurns(record).every((t) => !t.interrupted)).toBe(true);

    expect(record.tools.map((t) => [t.name, t.status])).toEqual([
      ['lookup_record', 'ok'],
      ['find_open_slots', 'ok'],
      ['book_appointment', 'ok'],
      ['end_call', 'ok'],
    ]);
    const [, slots, booking] = record.tools;
    if (!slots || !booking) throw new Error('the slot search and the booking must be recorded');
    expect(slots.arguments).toEqual({ service: 'cleaning', limit: 3 });
    const firstSlot = (slots.result as { slots: Array<{ slotId: number }> }).slots[0]?.slotId;
    expect(booking.arguments).toEqual({ slotId: firstSlot, reason: 'cleaning' });
    const appointmentId = (booking.result as { appointmentId: number }).appointmentId;
    const [booked] = await e2e.database.db
      .select()
      .from(appointments)
      .where(eq(appointments.id, appointmentId));
    expect(booked).toMatchObject({ slotId: firstSlot, callerPhone: DEMO_CALLER_NUMBER, status: 'booked' });

    expect(record.latency.summary.setup?.count).toBe(1);
    expect(record.latency.summary.turn?.count).toBeGreaterThanOrEqual(4);
    expect(record.latency.summary.tool?.count).toBe(4);
    expect(record.usage.totals.responses).toBeGreaterThanOrEqual(5);
    expect(record.usage.totals.outputAudioTokens).toBeGreaterThan(0);
    expect(record.escalations).toEqual([]);
    expect(timelineTypes(record)).toEqual(
      expect.arrayContaining(['call.started', 'stream.started', 'stream.ended']),
    );
    expect(timelineTypes(record).filter((t) => t === 'call.ended').length).toBeGreaterThanOrEqual(1);
  });

  it('a caller who interrupts the agent mid-sentence cuts it off: cleared, truncated where heard', async () => {
    const longAnswer =
      'We are open Monday to Friday from nine in the morning until five in the afternoon, and on the first ' +
      'Saturday of every month from nine until noon, except on public holidays when the clinic is closed.';
    e2e.model.setScript({
      callerTranscripts: ['When are you open?', 'Sorry, what about Saturdays?'],
      rules: [
        { when: { callerSaid: 'when are you open' }, reply: { say: longAnswer } },
        {
          when: { callerSaid: 'saturdays' },
          reply: { say: 'The first Saturday of the month, nine to noon.' },
        },
      ],
    });
    const call = await e2e.call({ from: DEMO_CALLER_NUMBER, to: DEMO_AGENT_NUMBER });
    await speak(call, utterance());
    // Let about two seconds of the long answer play, then talk over it.
    const answerStarts = call.now();
    await call.waitFor(() => call.heard.filter((c) => c.at > answerStarts).length * 20 >= 2_000, {
      timeoutMs: 20_000,
      description: 'two seconds of the long answer',
    });
    await callerSays(call, utterance());
    await call.waitForMessage('clear', undefined, { timeoutMs: 10_000 });
    await waitForAgentTurn(call);
    await call.hangup();

    const record = await settledRecord(
      e2e.system.recorderUrl,
      call.callSid,
      (r) => agentTurns(r).length === 3,
    );
    const interrupted = agentTurns(record)[1];
    expect(interrupted?.interrupted).toBe(true);
    expect(interrupted?.heardMs).toBeGreaterThanOrEqual(1_500);
    expect(interrupted?.heardMs).toBeLessThan(8_000);
    expect(longAnswer.startsWith(interrupted?.text ?? '#')).toBe(true);
    expect(interrupted?.text.length).toBeLessThan(longAnswer.length);
    expect(agentTurns(record)[2]?.text).toBe('The first Saturday of the month, nine to noon.');
    expect(record.call.endReason).toBe('caller_hangup');
    expect(record.latency.summary.barge_in?.count).toBe(1);

    // The model was told exactly what was heard: the truncation matches the record.
    const session = e2e.model.sessions[e2e.model.sessions.length - 1];
    const [truncate] = session?.eventsOf('conversation.item.truncate') ?? [];
    expect(truncate?.audio_end_ms).toBeCloseTo(interrupted?.heardMs ?? -1, -2);
  });

  it('a caller who asks for a person is handed to a free human with the context', async () => {
    e2e.model.setScript({
      callerTranscripts: ['I would like to talk to a person about my bill.'],
      rules: [
        {
          when: { callerSaid: 'person' },
          reply: {
            calls: [
              {
                name: 'escalate_to_human',
                arguments: {
                  reason: 'billing question',
                  summary: 'Jordan Lee wants to discuss a charge on the last invoice.',
                  priority: 'normal',
                },
              },
            ],
          },
        },
        { when: { functionOutput: { name: 'escalate_to_human' } }, reply: { say: 'Connecting you now.' } },
      ],
    });
    const call = await e2e.call({ from: DEMO_CALLER_NUMBER, to: DEMO_AGENT_NUMBER });
    await speak(call, utterance());
    const transfer = await e2e.twilio.waitForUpdate(
      (u) => u.callSid === call.callSid && u.twiml !== undefined,
      20_000,
    );
    await call.waitFor(() => call.transferred, { timeoutMs: 10_000, description: 'the transfer' });
    const dialled = /<Number[^>]*>(\+\d+)<\/Number>/.exec(transfer.twiml ?? '')?.[1];
    expect(Object.values(HUMANS)).toContain(dialled);
    expect(transfer.twiml).toMatch(/<Dial [^>]*action="[^"]+\/twilio\/dial-status\?[^"]*"/);
    expect(transfer.twiml).toMatch(/<Number url="[^"]+\/twilio\/whisper\?[^"]*"/);
    await call.hangup();

    const record = await settledRecord(
      e2e.system.recorderUrl,
      call.callSid,
      (r) => r.escalations.length === 1 && r.call.endReason === 'transferred',
    );
    const human = Object.entries(HUMANS).find(([, phone]) => phone === dialled)?.[0];
    expect(record.escalations[0]).toMatchObject({
      id: `${call.callSid}:${record.tools[0]?.toolCallId}`,
      reason: 'billing question',
      summary: 'Jordan Lee wants to discuss a charge on the last invoice.',
      priority: 'normal',
      queue: 'front-desk',
      status: 'dialing',
      humanAgentId: human,
    });
    expect(record.tools.map((t) => [t.name, t.status])).toEqual([['escalate_to_human', 'ok']]);
    const statuses = record.timeline
      .filter((e) => e.type === 'escalation.status')
      .map((e) => e.payload.status);
    expect(statuses).toEqual(expect.arrayContaining(['routing', 'dialing']));
    expect(record.call.endReason).toBe('transferred');
  });

  it('digits the caller presses reach the model and are recorded', async () => {
    e2e.model.setScript({
      callerTranscripts: ['Goodbye.'],
      rules: [
        { when: { text: /4\D*2/ }, reply: { say: 'You pressed four two.' } },
        { when: { callerSaid: 'goodbye' }, reply: { calls: [{ name: 'end_call', arguments: {} }] } },
        { when: { functionOutput: { name: 'end_call' } }, reply: { say: 'Goodbye!' } },
      ],
    });
    const call = await e2e.call({ from: DEMO_CALLER_NUMBER, to: DEMO_AGENT_NUMBER });
    await waitForAgentTurn(call);
    call.sendDtmf('4');
    call.sendDtmf('2');
    await speak(call, utterance());
    await call.ended;

    const record = await settledRecord(
      e2e.system.recorderUrl,
      call.callSid,
      (r) => agentTurns(r).length === 3,
    );
    const digits = record.timeline.filter((e) => e.type === 'dtmf').map((e) => e.payload.digit);
    expect(digits).toEqual(['4', '2']);
    expect(agentTurns(record).map((t) => t.text)).toEqual([GREETING, 'You pressed four two.', 'Goodbye!']);
    expect(record.call.endReason).toBe('agent_ended');
  });

  it('two calls at once stay separate: own stream, own tools with own caller, own record', async () => {
    e2e.model.setScript({
      callerTranscripts: () => 'Who am I?',
      rules: [
        { when: { callerSaid: 'who am i' }, reply: { calls: [{ name: 'lookup_record', arguments: {} }] } },
        {
          when: { functionOutput: { name: 'lookup_record' } },
          reply: (trigger) => {
            const output = trigger.kind === 'function_output' ? trigger.outputs[0]?.parsed : undefined;
            const name = (output as { result?: { name?: string } } | undefined)?.result?.name ?? 'stranger';
            return { say: `You are ${name}.` };
          },
        },
      ],
    });
    const [first, second] = await Promise.all([
      e2e.call({ from: DEMO_CALLER_NUMBER, to: DEMO_AGENT_NUMBER }),
      e2e.call({ from: SECOND_CALLER, to: DEMO_AGENT_NUMBER }),
    ]);
    if (!first || !second) throw new Error('both calls must be placed');
    // Both are live at once; they speak one after the other so the script's order is known.
    await speak(first, utterance());
    await speak(second, utterance());
    await Promise.all([waitForAgentTurn(first), waitForAgentTurn(second)]);
    await Promise.all([first.hangup(), second.hangup()]);

    const [a, b] = await Promise.all(
      [first, second].map((c) =>
        settledRecord(
          e2e.system.recorderUrl,
          c.callSid,
          (r) => agentTurns(r).length === 2 && r.tools.length === 1,
        ),
      ),
    );
    expect(a?.call.fromNumber).toBe(DEMO_CALLER_NUMBER);
    expect(b?.call.fromNumber).toBe(SECOND_CALLER);
    expect(agentTurns(a as CallRecord)[1]?.text).toBe('You are Jordan Lee.');
    expect(agentTurns(b as CallRecord)[1]?.text).toBe('You are Morgan Diaz.');
    expect(a?.tools).toHaveLength(1);
    expect(b?.tools).toHaveLength(1);
    expect(a?.call.streamSid).not.toBe(b?.call.streamSid);
    const claimOf = (r: CallRecord | undefined) =>
      r?.timeline.find((e) => e.type === 'stream.started')?.payload.claimId;
    expect(claimOf(a)).not.toBe(claimOf(b));
    expect(a?.transcript.some((t) => t.text.includes('Morgan'))).toBe(false);
    expect(b?.transcript.some((t) => t.text.includes('Jordan'))).toBe(false);
  });
});
