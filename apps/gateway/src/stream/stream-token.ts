import { createHmac, timingSafeEqual } from 'node:crypto';
import { callSidSchema, claimIdSchema } from '@voice/shared/contracts';
import { err, ok, type Result } from '@voice/shared/errors';
import { z } from 'zod';

/** Bumped when the token layout changes, so an old token is refused instead of misread. */
const TOKEN_VERSION = 'v1';
/** Longest token accepted before any decoding (a real one is ~250 characters). */
const MAX_TOKEN_CHARS = 1_024;

const grantSchema = z.object({
  callSid: callSidSchema,
  claimId: claimIdSchema,
  bridgeId: z.string().min(1).max(100),
  /** Epoch milliseconds after which the token is refused. */
  expiresAt: z.number().int().positive(),
});

/**
 * What a stream token grants (not to be confused with a bridge's claim, which it names): this gateway answered the webhook of `callSid` and the bridge
 * `bridgeId` holds claim `claimId` for it. The stream needs nothing else to relay, so it may
 * land on any gateway instance that shares the secret.
 */
export type StreamGrant = z.infer<typeof grantSchema>;

/** Why a token was refused: each is a policy violation (close 1008). */
export type StreamTokenProblem = 'missing' | 'malformed' | 'bad_signature' | 'expired';

function sign(secret: string, body: string): Buffer {
  return createHmac('sha256', secret).update(`${TOKEN_VERSION}.${body}`).digest();
}

/** `v1.<base64url grant>.<base64url HMAC-SHA256>`: short-lived and bound to one call and claim. */
export function issueStreamToken(secret: string, grant: StreamGrant): string {
  const body = Buffer.from(JSON.stringify(grant)).toString('base64url');
  return `${TOKEN_VERSION}.${body}.${sign(secret, body).toString('base64url')}`;
}

/** Checks the signature (in constant time) before reading anything, then the expiry. Never throws. */
export function verifyStreamToken(
  secret: string,
  token: string | undefined,
  nowMs: number,
): Result<StreamGrant, StreamTokenProblem> {
  if (!token) return err('missing');
  if (token.length > MAX_TOKEN_CHARS) return err('malformed');
  const [version, body, signature, ...rest] = token.split('.');
  if (version !== TOKEN_VERSION || !body || !signature || rest.length > 0) return err('malformed');
  // The signature is compared as the exact text it must be: a base64 decoder skips characters
  // it does not know and ignores the spare bits of the last one, which would let altered tokens
  // pass as the original.
  const expected = Buffer.from(sign(secret, body).toString('base64url'));
  const presented = Buffer.from(signature);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
    return err('bad_signature');
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return err('malformed');
  }
  const grant = grantSchema.safeParse(decoded);
  if (!grant.success) return err('malformed');
  if (grant.data.expiresAt <= nowMs) return err('expired');
  return ok(grant.data);
}
