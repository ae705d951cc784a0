import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/** A message the stream sent, as the tests read it, with when it arrived (`performance.now()`). */
export interface TinyMessage {
  event: string;
  streamSid?: string;
  media?: { payload: string; chunk?: string };
  mark?: { name: string };
  arrivedAt: number;
}

export interface TinyGateway {
  socket: WebSocket;
  messages: TinyMessage[];
  /** Resolves once the messages received so far satisfy `predicate` (re-checked on each). */
  until(predicate: (all: TinyMessage[]) => boolean): Promise<void>;
}

/**
 * A bare WebSocket server standing in for the gateway in the media stream's own tests: it
 * records what the stream sends. Test support only.
 */
export async function tinyServer() {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  const connection = new Promise<TinyGateway>((resolve) => {
    wss.once('connection', (socket) => {
      const messages: TinyMessage[] = [];
      socket.on('message', (data) => {
        messages.push({ ...JSON.parse(String(data)), arrivedAt: performance.now() });
        socket.emit('recorded');
      });
      const until = (predicate: (all: TinyMessage[]) => boolean) =>
        new Promise<void>((done) => {
          const check = () => {
            if (!predicate(messages)) return;
            socket.off('recorded', check);
            done();
          };
          socket.on('recorded', check);
          check();
        });
      resolve({ socket, messages, until });
    });
  });
  return { wss, url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/voice/stream`, connection };
}
