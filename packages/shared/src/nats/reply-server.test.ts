import { describe, expect, it } from 'vitest';
import { createLogger } from '../logging/index.js';
import type { NatsConnection } from './connection.js';
import { serveReplies } from './reply-server.js';

type Callback = (
  error: Error | null,
  msg: { subject: string; data: Uint8Array; respond(d: Uint8Array): boolean },
) => void;

/** A connection with one subscription whose requests the test delivers by hand. */
function fakeConnection() {
  const state: { callback?: Callback; queue?: string; subject?: string; drained: boolean } = {
    drained: false,
  };
  const nc = {
    subscribe(subject: string, options: { queue: string; callback: Callback }) {
      state.subject = subject;
      state.queue = options.queue;
      state.callback = options.callback;
      return {
        drain: async () => {
          state.drained = true;
        },
      };
    },
  } as unknown as NatsConnection;
  const request = (subject: string, text: string) => {
    const replies: string[] = [];
    state.callback?.(null, {
      subject,
      data: new TextEncoder().encode(text),
      respond: (d) => replies.push(new TextDecoder().decode(d)) > 0,
    });
    return replies;
  };
  return { nc, state, request };
}

const logger = createLogger({ service: 'test', level: 'silent' });
const encode = (text: string) => new TextEncoder().encode(text);

describe('serveReplies', () => {
  it('answers each request in its queue group with what the answer resolves to', async () => {
    const { nc, state, request } = fakeConnection();
    serveReplies(nc, { subject: 'ask.*', queue: 'askers', what: 'test', logger }, async (subject, data) =>
      encode(`${subject}:${new TextDecoder().decode(data)}`),
    );
    expect(state).toMatchObject({ subject: 'ask.*', queue: 'askers' });
    const replies = request('ask.one', 'hi');
    await new Promise((resolve) => setImmediate(resolve));
    expect(replies).toEqual(['ask.one:hi']);
  });

  it('leaves a request whose answer throws unanswered (the asker times out)', async () => {
    const { nc, request } = fakeConnection();
    serveReplies(nc, { subject: 'ask.*', queue: 'askers', what: 'test', logger }, async () => {
      throw new Error('boom');
    });
    const replies = request('ask.one', 'hi');
    await new Promise((resolve) => setImmediate(resolve));
    expect(replies).toEqual([]);
  });

  it('stops only after the answers in flight have been sent', async () => {
    const { nc, state, request } = fakeConnection();
    let finish: () => void = () => {};
    const server = serveReplies(
      nc,
      { subject: 'ask.*', queue: 'askers', what: 'test', logger },
      () =>
        new Promise<Uint8Array>((resolve) => {
          finish = () => resolve(encode('late'));
        }),
    );
    const replies = request('ask.one', 'hi');
    let stopped = false;
    const stopping = server.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.drained).toBe(true);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(replies).toEqual(['late']);
  });
});
