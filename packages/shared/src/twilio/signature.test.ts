import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { formParams, requireTwilioSignature, TWILIO_SIGNATURE_HEADER, twilioSignature } from './signature.js';

const AUTH_TOKEN = 'test-auth-token';
const PUBLIC_BASE = 'https://voice.example.com/edge';
const STREAM_URL = 'wss://voice.example.com/edge/stream';
const FORM = 'application/x-www-form-urlencoded';
const PARAMS = { CallSid: 'CA1', From: '+15550100001' };

/** A webhook route and a stream route behind the check, counting refusals as a service would. */
async function signedApp(): Promise<{ app: FastifyInstance; refused: string[] }> {
  const refused: string[] = [];
  const app = Fastify();
  app.addContentTypeParser(FORM, { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  const check = (signedUrl: (url: string) => string) =>
    requireTwilioSignature({
      authToken: AUTH_TOKEN,
      signedUrl: (request) => signedUrl(request.url),
      onRefused: (request) => refused.push(request.url),
    });
  app.post('/hook', { preHandler: check((url) => `${PUBLIC_BASE}${url}`) }, async (request) =>
    formParams(request),
  );
  app.get('/stream', { preValidation: check(() => STREAM_URL) }, async () => 'upgraded');
  await app.ready();
  return { app, refused };
}

const post = (app: FastifyInstance, url: string, signature: string | string[] | undefined, params = PARAMS) =>
  app.inject({
    method: 'POST',
    url,
    headers: {
      'content-type': FORM,
      ...(signature === undefined ? {} : { [TWILIO_SIGNATURE_HEADER]: signature }),
    },
    payload: new URLSearchParams(params).toString(),
  });

describe('requireTwilioSignature', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => app?.close());

  it('lets through what Twilio signed over the public URL and the form, whatever the Host', async () => {
    const signed = await signedApp();
    app = signed.app;
    const response = await post(
      app,
      '/hook?tenant=a',
      twilioSignature(AUTH_TOKEN, `${PUBLIC_BASE}/hook?tenant=a`, PARAMS),
    );
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(PARAMS);
    const stream = await app.inject({
      method: 'GET',
      url: '/stream',
      headers: { [TWILIO_SIGNATURE_HEADER]: twilioSignature(AUTH_TOKEN, STREAM_URL, {}) },
    });
    expect(stream.body).toBe('upgraded');
    expect(signed.refused).toEqual([]);
  });

  it('refuses forged, missing, Host-based and tampered signatures with 403, and counts each', async () => {
    const signed = await signedApp();
    app = signed.app;
    const valid = twilioSignature(AUTH_TOKEN, `${PUBLIC_BASE}/hook`, PARAMS);
    const hostBased = twilioSignature(AUTH_TOKEN, 'http://localhost:80/hook', PARAMS);
    const responses = [
      await post(app, '/hook', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='),
      await post(app, '/hook', undefined),
      await post(app, '/hook', ''),
      await post(app, '/hook', hostBased),
      await post(app, '/hook', valid, { ...PARAMS, From: '+15559999999' }),
      await app.inject({ method: 'GET', url: '/stream' }),
    ];
    expect(responses.map((r) => [r.statusCode, r.body])).toEqual(Array(6).fill([403, 'invalid signature']));
    expect(signed.refused).toHaveLength(6);
  });

  it('refuses a repeated header (Node joins the copies) even when every copy is Twilio’s', async () => {
    const signed = await signedApp();
    app = signed.app;
    const valid = twilioSignature(AUTH_TOKEN, `${PUBLIC_BASE}/hook`, PARAMS);
    expect((await post(app, '/hook', [valid, 'forged'])).statusCode).toBe(403);
    expect((await post(app, '/hook', [valid, valid])).statusCode).toBe(403);
    expect(signed.refused).toEqual(['/hook', '/hook']);
  });
});
