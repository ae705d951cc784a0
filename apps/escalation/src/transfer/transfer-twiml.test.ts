import { describe, expect, it } from 'vitest';
import { dialHumanTwiml, enqueueTwiml, holdTwiml, whisperTwiml } from './transfer-twiml.js';
import { createTwilioCallbackUrls } from './urls.js';

const XML = '<?xml version="1.0" encoding="UTF-8"?>';

describe('transfer TwiML', () => {
  const urls = createTwilioCallbackUrls('https://esc.example.com/');

  it('dials the human with the whisper on the number and the outcome callback on the dial', () => {
    const twiml = dialHumanTwiml({
      say: 'Connecting you to Alex.',
      phone: '+15550102001',
      actionUrl: urls.dialStatus('CA1:call_1', 2),
      whisperUrl: urls.whisper('CA1:call_1', 2),
      timeoutSeconds: 20,
    });
    expect(twiml).toBe(
      `${XML}<Response><Say>Connecting you to Alex.</Say>` +
        '<Dial action="https://esc.example.com/twilio/dial-status?escalationId=CA1%3Acall_1&amp;attempt=2" method="POST" timeout="20" answerOnBridge="true">' +
        '<Number url="https://esc.example.com/twilio/whisper?escalationId=CA1%3Acall_1&amp;attempt=2" method="POST">+15550102001</Number>' +
        '</Dial></Response>',
    );
  });

  it('whispers a short, escaped brief to the human', () => {
    const twiml = whisperTwiml({ reason: 'Refund <now>', summary: 'x'.repeat(1_000), priority: 'urgent' });
    expect(twiml).toContain('urgent priority. Reason: Refund &lt;now&gt;. Summary: ');
    expect(twiml.length).toBeLessThan(700);
    expect(twiml).toContain('… Connecting you now.');
  });

  it('queues with a hold URL, and holds with the position and music or a pause', () => {
    expect(enqueueTwiml({ say: 'Please hold.', queue: 'front-desk', waitUrl: urls.hold('CA1:call_1') })).toBe(
      `${XML}<Response><Say>Please hold.</Say><Enqueue waitUrl="https://esc.example.com/twilio/hold?escalationId=CA1%3Acall_1" waitUrlMethod="POST">front-desk</Enqueue></Response>`,
    );
    expect(holdTwiml({ position: 2, musicUrl: 'https://m.example/hold.mp3', pauseSeconds: 20 })).toContain(
      '<Say>You are number 2 in line. Thank you for holding; the next available person will be with you shortly.</Say><Play>https://m.example/hold.mp3</Play>',
    );
    expect(holdTwiml({ position: undefined, musicUrl: undefined, pauseSeconds: 15 })).toContain(
      '<Say>Thank you for holding; the next available person will be with you shortly.</Say><Pause length="15"/>',
    );
  });

  it('builds the URL Twilio signs from the public base, whatever host the request came through', () => {
    expect(urls.signed('/twilio/hold?escalationId=a')).toBe(
      'https://esc.example.com/twilio/hold?escalationId=a',
    );
    expect(urls.dialStatus('a', 1)).toBe(
      'https://esc.example.com/twilio/dial-status?escalationId=a&attempt=1',
    );
  });
});
