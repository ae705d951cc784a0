import { describe, expect, it } from 'vitest';
import { checkAgentProfileInput, checkRealtimeProfile, validAgentProfile } from './agent-profile.js';

const PROFILE = {
  id: 'spanish-desk',
  phoneNumber: '+15550001001',
  name: 'Lucía',
  instructions: 'Eres Lucía. Habla en español.',
  greeting: 'Hola, ¿en qué puedo ayudarle?',
  voice: 'coral' as const,
  language: 'es',
  transcriptionModel: 'gpt-4o-transcribe' as const,
  turnDetection: { type: 'semantic_vad' as const, eagerness: 'low' as const, interrupt_response: false },
  noiseReduction: 'far_field' as const,
};

describe('agent profiles are checked against what the realtime API accepts', () => {
  it('accepts a profile the API would take', () => {
    expect(checkAgentProfileInput(PROFILE)).toMatchObject({ ok: true });
    expect(validAgentProfile(PROFILE)).toMatchObject({ voice: 'coral' });
  });

  it.each([
    ['voice', { voice: 'Puck' }],
    ['language', { language: 'spanish' }],
    ['transcriptionModel', { transcriptionModel: 'whisper-9' }],
    ['noiseReduction', { noiseReduction: 'studio' }],
    ['turnDetection.threshold', { turnDetection: { type: 'server_vad', threshold: 2 } }],
    [
      'turnDetection.silence_duration_ms',
      { turnDetection: { type: 'semantic_vad', silence_duration_ms: 200 } },
    ],
    ['turnDetection.type', { turnDetection: { type: 'push_to_talk' } }],
    ['allowedTools.0', { allowedTools: ['look up'] }],
    ['phoneNumber', { phoneNumber: '555-0100' }],
  ])('refuses a bad %s, naming the field', (field, change) => {
    const result = checkAgentProfileInput({ ...PROFILE, ...change });
    expect(result).toMatchObject({ ok: false, problem: { field } });
    expect(() => validAgentProfile({ ...PROFILE, ...change } as never)).toThrow(field);
  });

  it('checks a stored row the same way (a row written around the check)', () => {
    const row = { ...PROFILE, voice: 'Puck', allowedTools: [], toolFillerAfterMs: 1_500 };
    expect(checkRealtimeProfile(row)).toMatchObject({ ok: false, problem: { field: 'voice' } });
    expect(checkRealtimeProfile({ ...row, voice: 'marin' })).toMatchObject({ ok: true });
  });
});
