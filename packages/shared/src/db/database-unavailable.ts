/**
 * Error codes that mean "Postgres cannot be reached right now", not "this query is wrong".
 * The node socket codes come from the driver before any SQL is sent; the SQLSTATEs from a
 * server that is there but will not serve.
 */
const UNAVAILABLE_CODES = new Set([
  // Nothing listens: the server is down or restarting.
  'ECONNREFUSED',
  // The connection broke mid-query: the server died or a proxy dropped it.
  'ECONNRESET',
  'EPIPE',
  // The host did not answer in time: a network partition or a stalled server.
  'ETIMEDOUT',
  // The host is gone from the network or from DNS (a container being replaced).
  'EHOSTUNREACH',
  'ENOTFOUND',
  // admin_shutdown, crash_shutdown: the server is stopping or recovering and closed our session.
  '57P01',
  '57P02',
  // cannot_connect_now: the server is starting up or in recovery.
  '57P03',
  // too_many_connections: every slot is taken; one frees up when another client leaves.
  '53300',
]);

/** SQLSTATE class 08, connection exception (08000, 08001, 08003, 08004, 08006, 08P01...). */
const CONNECTION_EXCEPTION_CLASS = '08';
const SQLSTATE_LENGTH = 5;

/** node-postgres reports some of these only in the message, with no code. */
const UNAVAILABLE_MESSAGES = [
  // The socket closed under a query or an idle client.
  /Connection terminated/i,
  /Connection ended unexpectedly/i,
  // The pool's connectionTimeoutMillis passed before a connection was made.
  /timeout exceeded when trying to connect/i,
  // An idle client in the pool lost its connection.
  /Client has encountered a connection error/i,
  // A wrapper that kept the driver's message but not its code.
  /connect ECONNREFUSED/i,
  // The pool was closed by a shutdown while work was still in flight: not a bad query either.
  /Cannot use a pool after calling end/i,
];

/** How deep to follow `cause`: drizzle wraps the driver's error once, callers once more. */
const MAX_CAUSE_DEPTH = 5;

/**
 * Whether an error means Postgres cannot be reached right now, so the same work is worth
 * retrying later. Follows the `cause` chain, because drizzle wraps the driver's error in its
 * own query error. The one check every service uses.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && typeof current === 'object' && current !== null; depth++) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && isUnavailableCode(code)) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message)))
      return true;
    current = cause;
  }
  return false;
}

function isUnavailableCode(code: string): boolean {
  return (
    UNAVAILABLE_CODES.has(code) ||
    (code.length === SQLSTATE_LENGTH && code.startsWith(CONNECTION_EXCEPTION_CLASS))
  );
}
