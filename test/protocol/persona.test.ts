/**
 * Issue 12, case 4: the greeting and the "still looking" filler keep the profile's persona.
 * A `response.create` with its own `instructions` replaces the session's for that response;
 * the fake model speaks in the language of the instructions in force.
 * Before (c719109) a Spanish agent's caller heard the greeting and the filler in English (the
 * persona was not in force for them), and only the answer after the tool in Spanish.
 */
import { migrationsFolder } from '@voice/shared/db';
import type { FakeRealtimeScript } from '@voice/testkit/openai';
import { useTestInfra } from '@voice/testkit/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentTurn, exchange } from '../faults/support/conversation.js';
import { type FaultSystem, startFaultSystem } from '../faults/support/fault-system.js';
import { waitForRecord } from '../faults/support/records.js';
import { signalApp, wakeAll } from '../faults/support/signals.js';
import { HeardLines } from './support/heard-lines.js';
import { writeProfile } from './support/profiles.js';

const NUMBER = '+15550001040';
const SPANISH = 'Responde siempre en español.';
const PERSONA = `Eres Lucía, la recepcionista de la Clínica Dental Arce. ${SPANISH} Habla con frases cortas.`;
const GREETING = 'Clínica Dental Arce, le atiende Lucía. ¿En qué puedo ayudarle?';
/** The bridge's own filler line (`FILLER_LINE`), as the Spanish persona says it. */
const FILLER = 'One moment, I am still looking into that.';
const FILLER_ES = 'Un momento, todavía lo estoy consultando.';
const FOUND_ES = 'Ya tengo su ficha, Jordan.';
/** Each line in the other language: the fake model speaks the language of the instructions in force. */
const TRANSLATIONS: ReadonlyArray<readonly [english: string, spanish: string]> = [
  ['Arce Dental Clinic, this is Lucia. How can I help you?', GREETING],
  [FILLER, FILLER_ES],
  ['I have your record, Jordan.', FOUND_ES],
];

function speakAs(line: string, instructions: string): string {
  const spanish = instructions.includes(SPANISH);
  const pair = TRANSLATIONS.find(([en, es]) => line === en || line === es);
  return pair ? pair[spanish ? 1 : 0] : line;
}

function script(): FakeRealtimeScript {
  return {
    callerTranscripts: ['¿Pueden mirar mi ficha?'],
    speakAs,
    rules: [
      { when: { callerSaid: 'ficha' }, reply: { calls: [{ name: 'lookup_record', arguments: {} }] } },
      { when: { functionOutput: { name: 'lookup_record' } }, reply: { say: FOUND_ES } },
    ],
  };
}

describe('case 4: greeting and filler keep the persona', () => {
  const infra = useTestInfra({ migrationsFolder });
  const lines = new HeardLines();
  let faults: FaultSystem;

  beforeAll(async () => {
    faults = await startFaultSystem(infra, { script: script(), model: { ...lines.hooks } });
    await writeProfile(faults.database, {
      id: 'lucia-es',
      phoneNumber: NUMBER,
      name: 'Lucía (Clínica Dental Arce)',
      instructions: PERSONA,
      voice: 'marin',
      greeting: GREETING,
      allowedTools: ['lookup_record'],
      language: 'es',
      toolFillerAfterMs: 300,
    });
  });
  afterAll(async () => {
    wakeAll(faults?.system.apps ?? []);
    await faults?.stop();
  });

  it('a Spanish agent greets, fills a slow lookup and answers in Spanish', async () => {
    const call = await faults.call({ to: NUMBER });
    await agentTurn(call, 0);
    const toolRunner = faults.system.app('tool-runner');
    // The lookup hangs until the caller has heard the whole filler.
    signalApp(toolRunner, 'SIGSTOP');
    const filled = await exchange(call, 20_000);
    signalApp(toolRunner, 'SIGCONT');
    await call.stream?.waitFor(() => lines.heard(call).some((l) => l.line === FOUND_ES), 20_000);
    await agentTurn(call, filled.doneAt, 20_000);
    await call.hangup();

    expect(lines.heard(call).map((l) => l.line)).toEqual([GREETING, FILLER_ES, FOUND_ES]);
    const session = faults.model.sessions.at(-1);
    const instructions = session?.responses.map((r) => r.instructions) ?? [];
    expect(instructions.length).toBeGreaterThanOrEqual(3);
    for (const inForce of instructions) expect(inForce).toContain(PERSONA);

    const record = await waitForRecord(
      faults.system.recorderUrl,
      call.callSid,
      (r) => r.call.status === 'ended' && r.transcript.length >= 4,
    );
    expect(record.transcript.map((turn) => [turn.role, turn.text])).toEqual([
      ['agent', GREETING],
      ['caller', '¿Pueden mirar mi ficha?'],
      ['agent', FILLER_ES],
      ['agent', FOUND_ES],
    ]);
  });
});
