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

/** Turn detection as a profile may store it: barge-in settings included. */
type ProfileTurnDetection = SessionProfile['turnDetection'] & { interrupt_response?: boolean };

/**
 * The profile's turn detection as sent: its own barge-in settings (`interrupt_response`, the
 * VAD threshold and timings) as stored, the API's default (interrupting) made explicit.
 * `create_response` stays on: the bridge answers the caller through the server's responses.
 */
function turnDetectionOf(profile: SessionProfile) {
  const detection: ProfileTurnDetection = profile.turnDetection;
  return { ...detection, create_response: true, interrupt_response: detection.interrupt_response ?? true };
}

/**
 * The `session.update` payload (GA shape) for a call: the profile's persona and voice,
 * mu-law in and out, its turn detection, transcription, and the tools offered.
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
        turn_detection: turnDetectionOf(profile),
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

/**
 * Whether the caller's speech interrupts the agent: the server cancels the response itself,
 * and the bridge clears what is queued. A profile may turn it off (a noisy line).
 */
export function serverInterruptsResponses(config: RealtimeSessionCreateRequest): boolean {
  const detection = config.audio?.input?.turn_detection;
  return detection !== null && detection !== undefined && detection.interrupt_response !== false;
}

/** Why a response was asked for; echoed back in `response.created` metadata. */
export type ResponsePurpose =
  | 'greeting'
  | 'filler'
  | 'retry'
  | 'tool_followup'
  | 'dtmf'
  | 'escalation_update'
  | 'resume'
  | 'restore';

/** A quoted line keeps the model to exact words (the greeting is the business's, not the model's). */
function sayExactly(line: string): string {
  return `"${line.replaceAll('"', "'")}"`;
}

/**
 * A response's own `instructions` replace the session's for that response (PROTOCOLS.md
 * corrections), so a one-off direction repeats the persona first: the agent keeps its name,
 * manner and language. The direction comes last, where it is read as this response's task.
 */
function withPersona(persona: string, direction: string): string {
  return persona.trim() === '' ? direction : `${persona}\n\n${direction}`;
}

export function greetingResponse(persona: string, greeting: string): RealtimeResponseCreateParams {
  return {
    instructions: withPersona(
      persona,
      `The call has just been answered. Greet the caller by saying exactly this, then wait for them: ${sayExactly(greeting)}`,
    ),
    metadata: { purpose: 'greeting' },
  };
}

export const FILLER_LINE = 'One moment, I am still looking into that.';

/** A holding line while a slow tool runs; no tools, so it cannot start another call. */
export function fillerResponse(persona: string): RealtimeResponseCreateParams {
  return {
    instructions: withPersona(
      persona,
      `A lookup is still running. Tell the caller in a few words, in the language of this call, that you are still working on it, for example ${sayExactly(FILLER_LINE)} Do not answer their question yet.`,
    ),
    tool_choice: 'none',
    metadata: { purpose: 'filler' },
  };
}

export function purposeResponse(purpose: ResponsePurpose): RealtimeResponseCreateParams {
  return { metadata: { purpose } };
}
