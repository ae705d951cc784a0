import type { z } from 'zod';
import { type ApiError, invalidRequest } from './api-error.js';
import { BETA_SESSION_KEYS } from './client-events.js';
import { REALTIME_VOICES, type SessionUpdate, sessionUpdateSchema } from './session-schema.js';

/**
 * Checks a `session.update`'s `session` as the GA API does, and words a refusal the way it
 * words them. The codes and message forms are the API's own, as seen in public logs of real
 * sessions:
 * - `invalid_value`, "Invalid value: 'ash'. Supported values are: 'alloy', …" with `param`
 *   `session.…` (Azure-Samples/aoai-realtime-audio-sdk#94; dongri/openai-api-rs#135 shows
 *   `param: "session.input_audio_format"`);
 * - `unknown_parameter`, "Unknown parameter: 'session.x'." and `missing_required_parameter`
 *   (the OpenAI API's common wording);
 * - a function whose parameters are not an object schema: `invalid_function_parameters`,
 *   "Invalid schema for function 'x': schema must be a JSON Schema of 'type: "object"', got
 *   'type: "None"'." (the wording of the OpenAI API's function checks; the Realtime reference
 *   does not document its own, so this is the closest public source).
 * Refusals are whole: nothing of a refused update is applied (PROTOCOLS.md, corrections).
 * `voices` narrows the SDK's list to what one deployment offers: deployments have refused
 * voices the SDK lists (Azure-Samples/aoai-realtime-audio-sdk#94, 'ash' refused).
 */
export function validateSessionUpdate(
  session: Record<string, unknown>,
  voices: readonly string[] = REALTIME_VOICES,
): SessionUpdate | ApiError {
  const beta = BETA_SESSION_KEYS.find((key) => key in session);
  if (beta) return unknownParameter(`session.${beta}`);
  if (session.type === undefined) {
    return invalidRequest(
      'missing_required_parameter',
      "Missing required parameter: 'session.type'.",
      'session.type',
    );
  }
  const parsed = sessionUpdateSchema.safeParse(session, { reportInput: true });
  if (!parsed.success) return refusalOf(parsed.error.issues[0], ['session'], session);
  const voice = parsed.data.audio?.output?.voice;
  if (typeof voice === 'string' && !voices.includes(voice)) {
    return invalidValue('session.audio.output.voice', voice, voices);
  }
  return parsed.data;
}

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

function refusalOf(issue: Issue | undefined, prefix: Path, session: Record<string, unknown>): ApiError {
  if (!issue) return invalidRequest('invalid_request_error', 'Invalid session.', 'session');
  const path = [...prefix, ...issue.path];
  const param = paramOf(path);
  if (isToolParameters(path) && issue.code !== 'invalid_union') {
    return invalidToolSchema(path, session);
  }
  switch (issue.code) {
    case 'unrecognized_keys':
      return unknownParameter(paramOf([...path, issue.keys[0] ?? '']));
    case 'invalid_union': {
      // A tool refused by every kind of tool: report the function rules it broke.
      const first = issue.errors[0]?.[0];
      if (first) return refusalOf(first, path, session);
      return invalidValue(param, issue.input, 'options' in issue ? (issue.options ?? []).map(String) : []);
    }
    case 'invalid_value':
      return invalidValue(param, issue.input, issue.values.map(String));
    case 'invalid_type':
      if (issue.input === undefined) {
        return invalidRequest('missing_required_parameter', `Missing required parameter: '${param}'.`, param);
      }
      return invalidRequest(
        'invalid_type',
        `Invalid type for '${param}': expected ${issue.expected}, but got ${describe(issue.input)} instead.`,
        param,
      );
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const side = issue.code === 'too_small' ? 'below_min' : 'above_max';
      const kind = Number.isInteger(issue.input) ? 'integer' : 'decimal';
      const relation = issue.code === 'too_small' ? 'greater than or equal to' : 'less than or equal to';
      return invalidRequest(
        `${kind}_${side}_value`,
        `Invalid '${param}': ${kind} ${side.replace('_', ' ')} value. Expected a value ${relation} ${String(bound)}, but got ${describe(issue.input)} instead.`,
        param,
      );
    }
    default:
      return invalidRequest('invalid_value', `Invalid value for '${param}': ${issue.message}`, param);
  }
}

function isToolParameters(path: Path): boolean {
  return path[1] === 'tools' && path[3] === 'parameters';
}

function invalidToolSchema(path: Path, session: Record<string, unknown>): ApiError {
  const tools = Array.isArray(session.tools) ? session.tools : [];
  const tool = tools[Number(path[2])] as { name?: unknown; parameters?: unknown } | undefined;
  const parameters = tool?.parameters;
  const type =
    typeof parameters === 'object' && parameters !== null
      ? (parameters as { type?: unknown }).type
      : undefined;
  const got = type === undefined || type === null ? 'None' : String(type);
  return invalidRequest(
    'invalid_function_parameters',
    `Invalid schema for function '${String(tool?.name)}': schema must be a JSON Schema of 'type: "object"', got 'type: "${got}"'.`,
    paramOf(path.slice(0, 4)),
  );
}

function invalidValue(param: string, input: unknown, values: readonly string[] | undefined): ApiError {
  const supported = values?.length ? ` Supported values are: ${listOf(values)}.` : '';
  return invalidRequest('invalid_value', `Invalid value: ${describe(input)}.${supported}`, param);
}

function unknownParameter(param: string): ApiError {
  return invalidRequest('unknown_parameter', `Unknown parameter: '${param}'.`, param);
}

/** `session.tools[0].parameters`, as the API names a parameter. */
function paramOf(path: Path): string {
  return path.reduce<string>((name, key) => {
    if (typeof key === 'number') return `${name}[${key}]`;
    return name ? `${name}.${String(key)}` : String(key);
  }, '');
}

function listOf(values: readonly string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  if (quoted.length < 2) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}`;
}

function describe(input: unknown): string {
  return typeof input === 'string' ? `'${input}'` : (JSON.stringify(input) ?? 'undefined');
}
