import type { Logger } from '../logging/index.js';
import type { NatsConnection } from './connection.js';

/** A subscription answering requests; `stop` drains it and lets the answers in flight finish. */
export interface ReplyServer {
  stop(): Promise<void>;
}

export interface ReplyServerOptions {
  subject: string;
  /** One member of the queue group answers each request. */
  queue: string;
  /** Names the server in its logs. */
  what: string;
  logger: Logger;
}

/**
 * Answers core NATS requests on `subject` with what `answer` resolves to. The one request loop
 * of every request/reply port (call control, transfer outcomes): an answer that throws is
 * logged and left unanswered, so the asker sees a timeout, never a made-up reply.
 */
export function serveReplies(
  nc: NatsConnection,
  options: ReplyServerOptions,
  answer: (subject: string, data: Uint8Array) => Promise<Uint8Array>,
): ReplyServer {
  const { subject, what, logger } = options;
  const inFlight = new Set<Promise<void>>();
  const subscription = nc.subscribe(subject, {
    queue: options.queue,
    callback: (error, msg) => {
      if (error) {
        logger.error({ err: error, subject }, `${what} subscription failed`);
        return;
      }
      const work = answer(msg.subject, msg.data).then(
        (reply) => void msg.respond(reply),
        (failure: unknown) => logger.error({ err: failure, subject: msg.subject }, `${what} crashed`),
      );
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    },
  });
  return {
    async stop() {
      await subscription.drain();
      await Promise.all(inFlight);
    },
  };
}
