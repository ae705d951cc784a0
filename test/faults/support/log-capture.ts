import { DEMO_HUMAN_TOKENS } from '@voice/shared/db';
import type { SystemSecrets } from '@voice/testkit/system';

/** One output line of one app process. */
export interface LogLine {
  app: string;
  line: string;
}

/** The console session key the fault suites give the escalation service (a secret to look for). */
export const CONSOLE_SESSION_SECRET = 'fault-suite-console-session-secret-0123456789';

/** Full phone numbers of the demo data: the caller, the other customers, the humans, the agent's line. */
export const DEMO_PHONE_NUMBERS = [
  '+15550100001',
  '+15550100002',
  '+15550100003',
  '+15550102001',
  '+15550102002',
  '+15550001000',
] as const;

/** Every secret value of a system under test, as it would appear in clear. */
export function secretValues(secrets: SystemSecrets): string[] {
  return [
    secrets.twilioAuthToken,
    secrets.streamTokenSecret,
    secrets.openaiApiKey,
    secrets.callsApiToken,
    CONSOLE_SESSION_SECRET,
    ...Object.values(DEMO_HUMAN_TOKENS),
  ];
}

/**
 * Every line every app printed, kept for assertions: a fault must not make a service leak a
 * secret or a phone number into its logs, least of all in the error paths faults exercise.
 */
export class LogCapture {
  readonly lines: LogLine[] = [];

  readonly onLine = (app: string, line: string): void => {
    this.lines.push({ app, line });
  };

  /** Lines that contain any of `values` in clear, as `app: line`. */
  containing(values: readonly string[]): string[] {
    return this.lines
      .filter(({ line }) => values.some((value) => line.includes(value)))
      .map(({ app, line }) => `${app}: ${line}`);
  }

  /** Parsed JSON lines of one app (pino), skipping anything else it printed. */
  json(app: string): Array<Record<string, unknown>> {
    return this.lines.flatMap((entry) => {
      if (entry.app !== app) return [];
      try {
        const value: unknown = JSON.parse(entry.line);
        return value !== null && typeof value === 'object' ? [value as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  }

  /** Lines at level `error` or `fatal`, as `app: message`. */
  errors(): string[] {
    return this.lines.flatMap(({ app, line }) => {
      const level = /"level":"(\w+)"/.exec(line)?.[1];
      return level === 'error' || level === 'fatal' ? [`${app}: ${line.slice(0, 400)}`] : [];
    });
  }
}
