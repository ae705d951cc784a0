import { describe, expect, it } from 'vitest';
import { systemToolsFor } from '../tools/system-tools.js';
import {
  buildSessionConfig,
  FILLER_LINE,
  fillerResponse,
  greetingResponse,
  serverInterruptsResponses,
} from './session-config.js';

const profile = {
  instructions: 'Be kind.',
  voice: 'marin',
  turnDetection: { type: 'semantic_vad' as const, eagerness: 'high' as const },
  noiseReduction: null,
  transcriptionModel: 'gpt-4o-transcribe',
  language: 'de',
};

describe('buildSessionConfig', () => {
  it('builds the GA session: mu-law both ways, the profile turn detection, transcription and tools', () => {
    const tools = [
      {
        type: 'function' as const,
        name: 'lookup_record',
        description: 'Find',
        parameters: { type: 'object' },
      },
      ...systemToolsFor(['end_call', 'lookup_record']),
    ];
    const config = buildSessionConfig(profile, tools);
    expect(config).toEqual({
      type: 'realtime',
      output_modalities: ['audio'],
      instructions: 'Be kind.',
      audio: {
        input: {
          format: { type: 'audio/pcmu' },
          turn_detection: {
            type: 'semantic_vad',
            eagerness: 'high',
            create_response: true,
            interrupt_response: true,
          },
          transcription: { model: 'gpt-4o-transcribe', language: 'de' },
        },
        output: { format: { type: 'audio/pcmu' }, voice: 'marin' },
      },
      tools: [
        { type: 'function', name: 'lookup_record', description: 'Find', parameters: { type: 'object' } },
        expect.objectContaining({ type: 'function', name: 'end_call' }),
      ],
      tool_choice: 'auto',
    });
    expect(serverInterruptsResponses(config)).toBe(true);
    expect(
      buildSessionConfig({ ...profile, noiseReduction: 'far_field' }, []).audio?.input?.noise_reduction,
    ).toEqual({
      type: 'far_field',
    });
  });

  it('keeps the profile barge-in settings: no interruption, a higher VAD threshold', () => {
    const quiet = {
      ...profile,
      turnDetection: { type: 'server_vad' as const, threshold: 0.8, interrupt_response: false },
    };
    const config = buildSessionConfig(quiet, []);
    expect(config.audio?.input?.turn_detection).toEqual({
      type: 'server_vad',
      threshold: 0.8,
      create_response: true,
      interrupt_response: false,
    });
    expect(serverInterruptsResponses(config)).toBe(false);
  });

  it('quotes the greeting so the model says exactly the business line', () => {
    expect(greetingResponse('Be kind.', 'Hi, this is "Riley".').instructions).toContain(
      `"Hi, this is 'Riley'."`,
    );
  });

  it('repeats the persona in greeting and filler instructions, which replace the session ones', () => {
    const persona = 'Eres Lucía. Responde siempre en español.';
    const greeting = greetingResponse(persona, 'Hola, soy Lucía.').instructions ?? '';
    const filler = fillerResponse(persona).instructions ?? '';
    expect(greeting.startsWith(persona)).toBe(true);
    expect(filler.startsWith(persona)).toBe(true);
    expect(filler).toContain(FILLER_LINE);
    expect(fillerResponse('').instructions?.startsWith('A lookup')).toBe(true);
  });
});
