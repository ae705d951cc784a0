import { describe, expect, it } from 'vitest';
import { transferUrls } from '../transfer/urls.js';
import { instructionTwiml } from './instruction.js';
import { dialHumanTwiml, enqueueTwiml, holdTwiml, whisperTwiml } from './transfer.js';

const XML = '<?xml version="1.0" encoding="UTF-8"?>';

describe('transfer TwiML', () => {
  const urls = transferUrls('https://gw.example.com/');

  it('dials the human with the whisper on the number and the outcome callback on the dial', () => {
    const twiml = dialHumanTwiml({
      say: 'Connecting you to Alex.',
      to: { phone: '+15550102001' },
      actionUrl: urls.dialStatus('CA1:call_1:2'),
      whisperUrl: urls.whisper('CA1:call_1:2'),
      timeoutSeconds: 20,
    });
    expect(twiml).toBe(
      `${XML}<Response><Say>Connecting you to Alex.</Say>` +
        '<Dial action="https://gw.example.com/twilio/dial-status?ref=CA1%3Acall_1%3A2" method="POST" timeout="20" answerOnBridge="true">' +
        '<Number url="https://gw.example.com/twilio/whisper?ref=CA1%3Acall_1%3A2" method="POST">+15550102001</Number>' +
        '</Dial></Response>',
    );
  });

  it('dials a SIP URI the same way, and without a whisper when none is asked for', () => {
    const twiml = instructionTwiml(
      { type: 'transfer', ref: 'r:1', to: { sip: 'sip:desk@pbx.example.com' }, timeoutSeconds: 30 },
      urls,
    );
    expect(twiml).toBe(
      `${XML}<Response><Dial action="https://gw.example.com/twilio/dial-status?ref=r%3A1" method="POST" timeout="30" answerOnBridge="true">` +
        '<Sip>sip:desk@pbx.example.com</Sip></Dial></Response>',
    );
  });

  it('whispers escaped text to the human', () => {
    expect(whisperTwiml('Reason: Refund <now>.')).toBe(
      `${XML}<Response><Say>Reason: Refund &lt;now&gt;.</Say></Response>`,
    );
  });

  it('queues with a hold URL, and holds with the position and music or a pause', () => {
    expect(
      enqueueTwiml({ say: 'Please hold.', queue: 'front-desk', waitUrl: urls.hold('CA1:call_1:1') }),
    ).toBe(
      `${XML}<Response><Say>Please hold.</Say><Enqueue waitUrl="https://gw.example.com/twilio/hold?ref=CA1%3Acall_1%3A1" waitUrlMethod="POST">front-desk</Enqueue></Response>`,
    );
    expect(holdTwiml({ position: 2, musicUrl: 'https://m.example/hold.mp3', pauseSeconds: 20 })).toContain(
      '<Say>You are number 2 in line. Thank you for holding; the next available person will be with you shortly.</Say><Play>https://m.example/hold.mp3</Play>',
    );
    expect(holdTwiml({ position: undefined, musicUrl: undefined, pauseSeconds: 15 })).toContain(
      '<Say>Thank you for holding; the next available person will be with you shortly.</Say><Pause length="15"/>',
    );
  });

  it('renders every instruction of the vocabulary', () => {
    expect(instructionTwiml({ type: 'hang_up' }, urls)).toBe(`${XML}<Response><Hangup/></Response>`);
    expect(instructionTwiml({ type: 'say_and_hang_up', text: 'Goodbye.' }, urls)).toBe(
      `${XML}<Response><Say>Goodbye.</Say><Hangup/></Response>`,
    );
    expect(instructionTwiml({ type: 'enqueue', ref: 'e:1', queue: 'desk' }, urls)).toBe(
      `${XML}<Response><Enqueue waitUrl="https://gw.example.com/twilio/hold?ref=e%3A1" waitUrlMethod="POST">desk</Enqueue></Response>`,
    );
  });
});
