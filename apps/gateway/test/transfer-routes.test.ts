import {
  type CallInstruction,
  encodeJson,
  queueGroups,
  subjects,
  transferAnsweredReplySchema,
  transferDialEndedReplySchema,
  transferHeldReplySchema,
} from '@voice/shared/contracts';
import { migrationsFolder } from '@voice/shared/db';
import { twilioSignature } from '@voice/shared/twilio';
import { useTestInfra } from '@voice/testkit/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { TRANSFER_MESSAGES } from '../src/transfer/routes.js';
import { TEST_AUTH_TOKEN, TEST_PUBLIC_BASE_URL } from './support/config.js';
import { useGatewayWithBridge } from './support/gateway-with-bridge.js';

const XML = '<?xml version="1.0" encoding="UTF-8"?>';
/** A ref the fake escalation service refuses to answer about. */
const BROKEN = 'broken:1';

describe("Twilio's transfer callbacks, answered by asking the escalation service (real NATS)", () => {
  const infra = useTestInfra({ migrationsFolder });
  const h = useGatewayWithBridge(infra);
  const questions: Array<{ subject: string; body: unknown }> = [];
  let next: CallInstruction = { type: 'hang_up' };

  /** The escalation service's side, as strict as it: one answer per question, in its queue group. */
  beforeAll(async () => {
    const refused = {
      ok: false,
      error: { code: 'unavailable', message: 'postgres away', retryable: true },
    } as const;
    const answers: Record<string, (body: { ref: string }) => Uint8Array> = {
      [subjects.transferOutcome('answered')]: (body) =>
        encodeJson(
          transferAnsweredReplySchema,
          body.ref === BROKEN ? refused : { ok: true, whisper: 'Brief <for> Alex.' },
        ),
      [subjects.transferOutcome('dial_ended')]: (body) =>
        encodeJson(transferDialEndedReplySchema, body.ref === BROKEN ? refused : { ok: true, next }),
      [subjects.transferOutcome('held')]: (body) =>
        encodeJson(transferHeldReplySchema, body.ref === BROKEN ? refused : { ok: true }),
    };
    for (const [subject, answer] of Object.entries(answers)) {
      h.bridgeNc.subscribe(subject, {
        queue: queueGroups.transferOutcomes,
        callback: (_error, msg) => {
          const body = msg.json<{ ref: string }>();
          questions.push({ subject, body });
          msg.respond(answer(body));
        },
      });
    }
    await h.bridgeNc.flush();
  });

  /** POSTs a form to the gateway as Twilio would, signed over the public URL (unless told otherwise). */
  const postAsTwilio = (path: string, params: Record<string, string>, signature?: string | null) =>
    fetch(`${h.gateway.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(signature === null
          ? {}
          : {
              'x-twilio-signature':
                signature ?? twilioSignature(TEST_AUTH_TOKEN, `${TEST_PUBLIC_BASE_URL}${path}`, params),
            }),
      },
      body: new URLSearchParams(params).toString(),
    });
  const asked = (ref: string) => questions.filter((q) => (q.body as { ref: string }).ref === ref);

  it('whispers to the human what the escalation service answers, escaped, without hanging up', async () => {
    const response = await postAsTwilio('/twilio/whisper?ref=CA1%3Acall_1%3A1', {
      CallSid: `CA${'b'.repeat(32)}`,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/xml/);
    expect(await response.text()).toBe(`${XML}<Response><Say>Brief &lt;for&gt; Alex.</Say></Response>`);
    expect(asked('CA1:call_1:1')).toEqual([{ subject: 'transfers.answered', body: { ref: 'CA1:call_1:1' } }]);
  });

  it("turns Twilio's dial status into the call-control words and renders the next instruction", async () => {
    next = {
      type: 'transfer',
      ref: 'CA1:call_1:2',
      to: { phone: '+15550102002' },
      say: "I'm connecting you to Ben now.",
      whisper: 'Brief.',
      timeoutSeconds: 20,
    };
    const response = await postAsTwilio('/twilio/dial-status?ref=CA1%3Acall_1%3A1', {
      DialCallStatus: 'no-answer',
    });
    expect(await response.text()).toBe(
      `${XML}<Response><Say>I'm connecting you to Ben now.</Say>` +
        `<Dial action="${TEST_PUBLIC_BASE_URL}/twilio/dial-status?ref=CA1%3Acall_1%3A2" method="POST" timeout="20" answerOnBridge="true">` +
        `<Number url="${TEST_PUBLIC_BASE_URL}/twilio/whisper?ref=CA1%3Acall_1%3A2" method="POST">+15550102002</Number></Dial></Response>`,
    );
    expect(asked('CA1:call_1:1').at(-1)).toEqual({
      subject: 'transfers.dial_ended',
      body: { ref: 'CA1:call_1:1', status: 'no_answer' },
    });

    next = { type: 'hang_up' };
    const over = await postAsTwilio('/twilio/dial-status?ref=CA1%3Acall_1%3A2', {
      DialCallStatus: 'completed',
    });
    expect(await over.text()).toBe(`${XML}<Response><Hangup/></Response>`);
  });

  it('holds the caller with their position and a pause, and tells the escalation service of the poll', async () => {
    const hold = await postAsTwilio('/twilio/hold?ref=CA2%3Acall_1%3A0', {
      QueuePosition: '3',
      QueueTime: '40',
    });
    expect(hold.status).toBe(200);
    const body = await hold.text();
    expect(body).toContain('<Say>You are number 3 in line.');
    expect(body).toContain('<Pause length="20"/>');
    expect(asked('CA2:call_1:0')).toEqual([
      { subject: 'transfers.held', body: { ref: 'CA2:call_1:0', position: 3 } },
    ]);
  });

  it('ends politely, whispers a stock brief and keeps holding when the escalation service cannot answer', async () => {
    const path = (route: string) => `/twilio/${route}?ref=${encodeURIComponent(BROKEN)}`;
    const dial = await postAsTwilio(path('dial-status'), { DialCallStatus: 'busy' });
    expect(await dial.text()).toBe(
      `${XML}<Response><Say>${TRANSFER_MESSAGES.failed}</Say><Hangup/></Response>`,
    );
    const whisper = await postAsTwilio(path('whisper'), {});
    expect(await whisper.text()).toContain(`<Say>${TRANSFER_MESSAGES.whisperUnavailable}</Say>`);
    const hold = await postAsTwilio(path('hold'), {});
    expect(await hold.text()).toContain('<Say>Thank you for holding;');
  });

  it('refuses forged, unsigned and replayed-elsewhere callbacks with 403 and asks nothing', async () => {
    const action = '/twilio/dial-status?ref=CA3%3Acall_1%3A1';
    const params = { DialCallStatus: 'no-answer' };
    const wrongKey = twilioSignature('not-the-auth-token', `${TEST_PUBLIC_BASE_URL}${action}`, params);
    const otherUrl = twilioSignature(
      TEST_AUTH_TOKEN,
      `${TEST_PUBLIC_BASE_URL}/twilio/whisper?ref=CA3%3Acall_1%3A1`,
      params,
    );
    const otherParams = twilioSignature(TEST_AUTH_TOKEN, `${TEST_PUBLIC_BASE_URL}${action}`, {
      DialCallStatus: 'completed',
    });
    for (const signature of [wrongKey, otherUrl, otherParams, null, '']) {
      expect((await postAsTwilio(action, params, signature)).status).toBe(403);
    }
    expect((await postAsTwilio('/twilio/whisper?ref=CA3%3Acall_1%3A1', {}, wrongKey)).status).toBe(403);
    expect((await postAsTwilio('/twilio/hold?ref=CA3%3Acall_1%3A1', {}, null)).status).toBe(403);
    expect(asked('CA3:call_1:1')).toEqual([]);
  });

  it('answers a callback without a ref or with an unknown dial status 400', async () => {
    expect((await postAsTwilio('/twilio/whisper', {})).status).toBe(400);
    expect((await postAsTwilio('/twilio/dial-status?ref=x%3A1', { DialCallStatus: 'ringing' })).status).toBe(
      400,
    );
  });
});
