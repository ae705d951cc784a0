import type { RealtimeTool } from '@voice/shared/contracts';
import type { AgentProfile } from '@voice/shared/db';
import type {
  RealtimeResponseCreateParams,
  RealtimeSessionCreateRequest,
} from 'openai/resources/realtime/realtime';

/** The parts of an agent profile that shape the model session. */
export type SessionProfile = Pick<
  AgentProfile,
  'instructions' | 'voice' | 'turnDetection' | 'noiseReduction' | 'transcriptionModel' | 'language'
>;

/** mu-law 8 kHz both ways: Twilio's frames go to the model and back untouched. */
const PCMU = { type: 'audio/pcmu' } as const;

/**
 * The `session.update` payload (GA shape) for a call: the profile's persona and voice,
 * mu-law in and out, its turn detection with server-side interruption and auto responses
 * made explicit (barge-in relies on both), transcription, and the tools offered.
 */
export function buildSessionConfig(
  profile: SessionProfile,
  tools: readonly RealtimeTool[],
): RealtimeSessionCreateRequest {
  return {
    type: 'realtime',
    output_modalities: ['audio'],
    instructions: profile.instructions,
    audio: {
      input: {
        format: PCMU,
        turn_detection: { ...profile.turnDetection, create_response: true, interrupt_response: true },
        ...(profile.noiseReduction ? { noise_reduction: { type: profile.noiseReduction } } : {}),
        transcription: { model: profile.transcriptionModel, language: profile.language },
      },
      output: { format: PCMU, voice: profile.voice },
    },
    tools: tools.map((t) => ({
      type: 'function',
      name: t.name,
      description: t.description,
      parameters: t.parameters,
    })),
    tool_choice: 'auto',
  };
}

/** Whether the server cancels a response itself when the caller starts speaking. */
export function serverInterruptsResponses(config: RealtimeSessionCreateRequest): boolean {
  const detection = config.audio?.input?.turn_detection;
  return detection !== null && detection !== undefined && detection.interrupt_response !== false;
}

/** Why a response was asked for; echoed back in `response.created` metadata. */
export type ResponsePurpose =
  | 'greeting'
  | 'filler'
  | 'tool_followup'
  | 'dtmf'
  | 'escalation_update'
  | 'resume'
  | 'restore';

/** A quoted line keeps the model to exact words (the greeting is the business's, not the model's). */
function sayExactly(line: string): string {
  return `"${line.replaceAll('"', "'")}"`;
}

export function greetingResponse(greeting: string): RealtimeResponseCreateParams {
  return {
    instructions: `The call has just been answered. Greet the caller by saying exactly this, then wait for them: ${sayExactly(greeting)}`,
    metadata: { purpose: 'greeting' },
  };
}

export const FILLER_LINE = 'One moment, I am still looking into that.';

/** A holding line while a slow tool runs; no tools, so it cannot start another call. */
export function fillerResponse(): RealtimeResponseCreateParams {
  return {
    instructions: `A lookup is still running. Tell the caller in a few words that you are still working on it, for example ${sayExactly(FILLER_LINE)} Do not answer their question yet.`,
    tool_choice: 'none',
    metadata: { purpose: 'filler' },
  };
}

export function purposeResponse(purpose: ResponsePurpose): RealtimeResponseCreateParams {
  return { metadata: { purpose } };
}
