import { twilioSignature } from '@voice/shared/twilio';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { PUBLIC_BASE_URL, TEST_AUTH_TOKEN } from './harness.js';

/** What a `<Dial>` TwiML asks Twilio to do. */
export interface DialTarget {
  actionUrl: string;
  timeout: string;
  answerOnBridge: string;
  whisperUrl: string;
  phone: string;
  say: string;
}

const unescapeXml = (text: string) =>
  text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');

function attribute(tag: string, name: string): string {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match ? unescapeXml(match[1] ?? '') : '';
}

export function dialTarget(twiml: string): DialTarget | undefined {
  const dial = /<Dial\s[^>]*>/.exec(twiml)?.[0];
  const number = /<Number\s([^>]*)>([^<]*)<\/Number>/.exec(twiml);
  if (!dial || !number) return undefined;
  return {
    actionUrl: attribute(dial, 'action'),
    timeout: attribute(dial, 'timeout'),
    answerOnBridge: attribute(dial, 'answerOnBridge'),
    whisperUrl: attribute(` ${number[1]}`, 'url'),
    phone: unescapeXml(number[2] ?? ''),
    say: unescapeXml(/<Say>([^<]*)<\/Say>/.exec(twiml)?.[1] ?? ''),
  };
}

export function enqueueTarget(twiml: string): { waitUrl: string; queue: string; say: string } | undefined {
  const enqueue = /<Enqueue\s([^>]*)>([^<]*)<\/Enqueue>/.exec(twiml);
  if (!enqueue) return undefined;
  return {
    waitUrl: attribute(` ${enqueue[1]}`, 'waitUrl'),
    queue: unescapeXml(enqueue[2] ?? ''),
    say: unescapeXml(/<Say>([^<]*)<\/Say>/.exec(twiml)?.[1] ?? ''),
  };
}

/** POSTs a form to one of the service's Twilio URLs, signed as Twilio signs it (unless told otherwise). */
export function postAsTwilio(
  http: FastifyInstance,
  absoluteUrl: string,
  params: Record<string, string>,
  signature: string | null = twilioSignature(TEST_AUTH_TOKEN, absoluteUrl, params),
): Promise<LightMyRequestResponse> {
  if (!absoluteUrl.startsWith(PUBLIC_BASE_URL)) throw new Error(`not a URL of this service: ${absoluteUrl}`);
  return http.inject({
    method: 'POST',
    url: absoluteUrl.slice(PUBLIC_BASE_URL.length),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signature === null ? {} : { 'x-twilio-signature': signature }),
    },
    payload: new URLSearchParams(params).toString(),
  });
}
