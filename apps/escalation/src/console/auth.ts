import { timingSafeEqual } from 'node:crypto';
import { hashToken } from '@voice/shared/db';
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../store/db.js';
import { findHuman, findHumanByTokenHash, type HumanAgent } from '../store/humans.js';
import { readCookie, type Session, type SessionCodec } from './session.js';

export const SESSION_COOKIE = 'escalation_console';
/** Cookies (and every console URL) live under this path. */
export const CONSOLE_PATH = '/console';
/** Console tokens are long random strings; anything longer is not one. */
const MAX_TOKEN_CHARS = 512;

/** Who is signed in on a console request. */
export interface SignedIn {
  human: HumanAgent;
  session: Session;
}

/** Sign-in by console token, and the session of a request. */
export interface ConsoleAuth {
  /** The human whose console token this is. */
  login(token: unknown): Promise<HumanAgent | undefined>;
  signedIn(request: FastifyRequest): Promise<SignedIn | undefined>;
  /** `Set-Cookie` value starting a session for this human. */
  sessionCookie(humanAgentId: string): string;
  /** `Set-Cookie` value ending the session. */
  clearedCookie(): string;
  csrfToken(session: Session): string;
  checkCsrf(session: Session, token: unknown): boolean;
}

export function createConsoleAuth(options: {
  db: Queryable;
  sessions: SessionCodec;
  /** Cookies are `Secure` when the console is served over https. */
  secureCookies: boolean;
  sessionTtlMs: number;
}): ConsoleAuth {
  const attributes = (maxAgeSeconds: number) =>
    [
      `Path=${CONSOLE_PATH}`,
      'HttpOnly',
      'SameSite=Strict',
      `Max-Age=${maxAgeSeconds}`,
      ...(options.secureCookies ? ['Secure'] : []),
    ].join('; ');

  return {
    async login(token) {
      if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_CHARS) return undefined;
      const hash = hashToken(token);
      // Looking up by the hash reveals nothing about the token; the comparison is constant-time anyway.
      const human = await findHumanByTokenHash(options.db, hash);
      const stored = Buffer.from(human?.tokenHash ?? '');
      const given = Buffer.from(hash);
      if (!human || stored.length !== given.length || !timingSafeEqual(stored, given)) return undefined;
      return human;
    },
    async signedIn(request) {
      const session = options.sessions.read(readCookie(request.headers.cookie, SESSION_COOKIE));
      if (!session) return undefined;
      // Read from the database each time: a removed human loses access at once.
      const human = await findHuman(options.db, session.humanAgentId);
      return human ? { human, session } : undefined;
    },
    sessionCookie(humanAgentId) {
      const { value } = options.sessions.issue(humanAgentId);
      return `${SESSION_COOKIE}=${value}; ${attributes(Math.floor(options.sessionTtlMs / 1_000))}`;
    },
    clearedCookie: () => `${SESSION_COOKIE}=; ${attributes(0)}`,
    csrfToken: (session) => options.sessions.csrfToken(session),
    checkCsrf: (session, token) => options.sessions.checkCsrf(session, token),
  };
}
