import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** One human's console login. */
export interface Session {
  humanAgentId: string;
  /** Random per login: the CSRF token is derived from it. */
  nonce: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** Issues and reads signed session cookies, and derives their CSRF tokens. */
export interface SessionCodec {
  /** A new session for this human and its cookie value. */
  issue(humanAgentId: string): { session: Session; value: string };
  /** The session in a cookie value, if the signature holds and it has not expired. */
  read(value: string | undefined): Session | undefined;
  /** The per-session token every console form carries. */
  csrfToken(session: Session): string;
  checkCsrf(session: Session, token: unknown): boolean;
}

const payloadSchema = z.object({ h: z.string().min(1), n: z.string().min(1), e: z.number().int() });
const NONCE_BYTES = 18;

/**
 * Stateless sessions: `payload.signature`, HMAC-SHA256 with `CONSOLE_SESSION_SECRET`, so any
 * instance behind a balancer reads any other's cookie and nothing is kept in memory.
 */
export function createSessionCodec(options: {
  secret: string;
  ttlMs: number;
  now?: () => number;
}): SessionCodec {
  const now = options.now ?? Date.now;
  const sign = (purpose: string, data: string) =>
    createHmac('sha256', options.secret).update(`${purpose}:${data}`).digest('base64url');
  const sameText = (a: string, b: string) => {
    const left = Buffer.from(a);
    const right = Buffer.from(b);
    return left.length === right.length && timingSafeEqual(left, right);
  };

  return {
    issue(humanAgentId) {
      const session: Session = {
        humanAgentId,
        nonce: randomBytes(NONCE_BYTES).toString('base64url'),
        expiresAt: now() + options.ttlMs,
      };
      const payload = Buffer.from(
        JSON.stringify({ h: session.humanAgentId, n: session.nonce, e: session.expiresAt }),
      ).toString('base64url');
      return { session, value: `${payload}.${sign('session', payload)}` };
    },
    read(value) {
      const [payload, signature, ...rest] = (value ?? '').split('.');
      if (!payload || !signature || rest.length > 0 || !sameText(signature, sign('session', payload)))
        return undefined;
      let decoded: unknown;
      try {
        decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        return undefined;
      }
      const parsed = payloadSchema.safeParse(decoded);
      if (!parsed.success || parsed.data.e <= now()) return undefined;
      return { humanAgentId: parsed.data.h, nonce: parsed.data.n, expiresAt: parsed.data.e };
    },
    csrfToken: (session) => sign('csrf', session.nonce),
    checkCsrf: (session, token) => typeof token === 'string' && sameText(token, sign('csrf', session.nonce)),
  };
}

/** The value of one cookie in a `Cookie` header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}
