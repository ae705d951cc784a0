import type { FastifyInstance, FastifyReply } from 'fastify';
import { CONSOLE_SCRIPT, CONSOLE_STYLES } from './assets.js';

const ASSET_MAX_AGE_SECONDS = 300;

/** The console's one script and one stylesheet: the only console responses a browser may cache. */
export function registerAssetRoutes(scope: FastifyInstance): void {
  scope.get('/assets/console.js', async (_request, reply) =>
    sendAsset(reply, 'text/javascript; charset=utf-8', CONSOLE_SCRIPT),
  );
  scope.get('/assets/console.css', async (_request, reply) =>
    sendAsset(reply, 'text/css; charset=utf-8', CONSOLE_STYLES),
  );
}

function sendAsset(reply: FastifyReply, type: string, body: string): FastifyReply {
  return reply.type(type).header('cache-control', `max-age=${ASSET_MAX_AGE_SECONDS}`).send(body);
}
