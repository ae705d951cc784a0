import { describe, expect, it } from 'vitest';
import { hangUpTwiml, sayAndHangUpTwiml } from './hang-up.js';

const XML = '<?xml version="1.0" encoding="UTF-8"?>';
const BUSY = 'Sorry, all of our agents are busy right now. Please call again in a few minutes. Goodbye.';

describe('TwiML that ends a call', () => {
  it('refuses politely, never silently', () => {
    expect(sayAndHangUpTwiml(BUSY)).toBe(`${XML}<Response><Say>${BUSY}</Say><Hangup/></Response>`);
  });

  it('ends calls politely', () => {
    expect(sayAndHangUpTwiml('Goodbye.')).toBe(`${XML}<Response><Say>Goodbye.</Say><Hangup/></Response>`);
    expect(hangUpTwiml()).toBe(`${XML}<Response><Hangup/></Response>`);
  });

  it('escapes what it says', () => {
    expect(sayAndHangUpTwiml('Refund <now> & "later"')).toContain(
      '<Say>Refund &lt;now&gt; &amp; "later"</Say>',
    );
  });
});
