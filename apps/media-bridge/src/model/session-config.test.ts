import { describe, expect, it } from 'vitest';
import { systemToolsFor } from '../tools/system-tools.js';
import { buildSessionConfig, greetingResponse, serverInterruptsResponses } from './session-config.js';

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

  it('quotes the greeting so the model says exactly the business line', () => {
    expect(greetingResponse('Hi, this is "Riley".').instructions).toContain(`"Hi, this is 'Riley'."`);
  });
});
