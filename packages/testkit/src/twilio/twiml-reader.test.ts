import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { findConnectStream, parseTwiml, spokenTexts } from './twiml-reader.js';

describe('TwiML reader', () => {
  it('reads the connect stream, its parameters and the fallback verbs of a VoiceResponse', () => {
    const response = new twilio.twiml.VoiceResponse();
    const stream = response.connect().stream({
      url: 'wss://gw.example.com/voice/stream',
      statusCallback: 'https://gw.example.com/voice/status',
    });
    stream.parameter({ name: 'token', value: 'v1.a&b<c>"d"' });
    response.say('Sorry & goodbye.');
    response.hangup();

    const connect = findConnectStream(parseTwiml(response.toString()));
    expect(connect).toMatchObject({
      url: 'wss://gw.example.com/voice/stream',
      statusCallback: 'https://gw.example.com/voice/status',
      parameters: { token: 'v1.a&b<c>"d"' },
    });
    expect(connect?.fallback.map((verb) => verb.name)).toEqual(['Say', 'Hangup']);
    expect(spokenTexts(connect?.fallback ?? [])).toEqual(['Sorry & goodbye.']);
  });

  it('reads refusals and transfers, and rejects broken documents', () => {
    const dial = parseTwiml('<Response><Say>Transferring you now</Say><Dial>+15550102001</Dial></Response>');
    expect(findConnectStream(dial)).toBeUndefined();
    expect(dial.children.map((verb) => [verb.name, verb.text])).toEqual([
      ['Say', 'Transferring you now'],
      ['Dial', '+15550102001'],
    ]);
    expect(() => parseTwiml('<Response><Say>hi</Response>')).toThrow(/closes <Say>/);
    expect(() => parseTwiml('<Other/>')).toThrow(/no <Response>/);
  });
});
