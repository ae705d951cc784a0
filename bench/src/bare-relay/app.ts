import { monitorEventLoopDelay } from 'node:perf_hooks';
import formbody from '@fastify/formbody';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { type ModelEndpoint, relayCall } from './relay-call.js';

const STREAM_PATH = '/media-stream';
/** The loop-lag histogram's timer period; what it records is this plus the lag. */
const LAG_RESOLUTION_MS = 10;
const NS_PER_MS = 1_000_000;

/**
 * The bare relay's HTTP side, on the same stack as the sample (Fastify, formbody, websocket):
 * `/voice/inbound` answers TwiML that connects a stream to `/media-stream`, which is relayed
 * straight to the model. `/loop-lag` is the benchmark's probe (event-loop delay since the
 * previous read), outside the media path.
 */
export async function buildBareRelay(model: ModelEndpoint): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(formbody);
  await app.register(websocket, { options: { perMessageDeflate: false } });
  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  lag.enable();

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/loop-lag', async () => {
    const ms = (ns: number) => Math.max(0, ns / NS_PER_MS - LAG_RESOLUTION_MS);
    const report = { p50: ms(lag.percentile(50)), p99: ms(lag.percentile(99)), max: ms(lag.max) };
    lag.reset();
    return report;
  });
  app.all('/voice/inbound', async (request, reply) => {
    const streamUrl = `ws://${request.headers.host}${STREAM_PATH}`;
    return reply
      .type('text/xml')
      .send(
        `<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="${streamUrl}" /></Connect></Response>`,
      );
  });
  await app.register(async (scoped) => {
    scoped.get(STREAM_PATH, { websocket: true }, (socket) => relayCall(socket, model));
  });
  return app;
}
