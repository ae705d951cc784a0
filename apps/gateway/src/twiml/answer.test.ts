import { describe, expect, it } from 'vitest';
import { publicUrls } from '../urls.js';
import { CALLER_MESSAGES, connectTwiml } from './answer.js';

describe('TwiML and public URLs', () => {
  it('derives the stream URL from the public base: https → wss, http → ws, prefixes kept', () => {
    expect(publicUrls('https://voice.example.com/').stream).toBe('wss://voice.example.com/voice/stream');
    expect(publicUrls('http://127.0.0.1:8080').stream).toBe('ws://127.0.0.1:8080/voice/stream');
    const prefixed = publicUrls('https://edge.example.com/gw');
    expect(prefixed.status).toBe('https://edge.example.com/gw/voice/status');
    expect(prefixed.of('/voice/inbound?tenant=a')).toBe('https://edge.example.com/gw/voice/inbound?tenant=a');
  });

  it('connects the stream with the token as a parameter, then apologises and hangs up', () => {
    const twiml = connectTwiml({
      streamUrl: 'wss://voice.example.com/voice/stream',
      statusCallbackUrl: 'https://voice.example.com/voice/status',
      streamToken: 'v1.abc.def',
    });
    expect(twiml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="wss://voice.example.com/voice/stream" statusCallback="https://voice.example.com/voice/status" statusCallbackMethod="POST"><Parameter name="token" value="v1.abc.def"/></Stream></Connect>' +
        `<Say>${CALLER_MESSAGES.bridgeFailed}</Say><Hangup/></Response>`,
    );
  });
});
