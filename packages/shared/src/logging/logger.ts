import { type DestinationStream, type Logger, pino } from 'pino';
import { maskPhone, maskPhonesInText } from './mask.js';
import { serializeError } from './serialize-error.js';

export type { Logger } from 'pino';

/** Keys whose values are phone numbers: always masked. */
const PHONE_KEYS = ['from', 'to', 'caller', 'phone', 'phoneNumber', 'From', 'To', 'Caller', 'Called'];
/** Keys whose values are conversation content or personal data: redacted unless `sensitive`. */
const CONTENT_KEYS = ['transcript', 'text', 'arguments', 'args', 'result', 'summary', 'instructions', 'body'];
/** Keys whose values are credentials: always removed. */
const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'authToken',
  'apiKey',
  'token',
  'password',
  'secret',
  'x-twilio-signature',
  'cookie',
];

/** `key`, `*.key` and `*.*.key`: the depths our log objects use. */
function pathsFor(keys: readonly string[]): string[] {
  return keys.flatMap((k) => {
    const segment = /^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`;
    const under = (prefix: string) =>
      segment.startsWith('[') ? `${prefix}${segment}` : `${prefix}.${segment}`;
    return [segment.startsWith('[') ? `headers${segment}` : segment, under('*'), under('*.*')];
  });
}

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Debug flag: log transcripts and tool arguments in clear (phone numbers stay masked). */
  sensitive?: boolean;
  /** Secret values (tokens, keys) scrubbed from any line they might appear in. */
  secrets?: readonly (string | undefined)[];
  /** Where lines go (tests capture them); stdout by default. */
  destination?: DestinationStream;
  base?: Record<string, unknown>;
}

/**
 * The one logger factory. Structured pino lines with static messages; personal data only
 * under keys that are masked or redacted here, and a final scrub of every serialised line
 * for phone numbers and known secrets in case something slipped into free text.
 */
export function createLogger(options: LoggerOptions): Logger {
  const paths = [...pathsFor(PHONE_KEYS), ...pathsFor(SECRET_KEYS)];
  if (!options.sensitive) paths.push(...pathsFor(CONTENT_KEYS));
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 6);

  const censor = (value: unknown, path: string[]): unknown => {
    const key = path[path.length - 1] ?? '';
    if (SECRET_KEYS.includes(key)) return '[secret]';
    if (PHONE_KEYS.includes(key)) return typeof value === 'string' ? maskPhone(value) : value;
    return value === undefined ? value : '[redacted]';
  };

  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service, ...options.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths, censor },
      serializers: { err: serializeError, error: serializeError },
      hooks: {
        streamWrite: (line) => {
          let out = maskPhonesInText(line);
          for (const secret of secrets) {
            if (out.includes(secret)) out = out.split(secret).join('[secret]');
          }
          return out;
        },
      },
    },
    options.destination,
  );
}

/** A child logger for one call: every line carries its call SID. */
export function callLogger(logger: Logger, callSid: string, bindings: Record<string, unknown> = {}): Logger {
  return logger.child({ callSid, ...bindings });
}
