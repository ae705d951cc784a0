import { describe, expect, it } from 'vitest';
import { createCallerMessages, firstName, teamName } from './caller-messages.js';

describe('what the caller is told', () => {
  const messages = createCallerMessages({ callbackEtaMinutes: 15 });

  it('names only the first name of a human and the team of a queue', () => {
    expect(firstName('  Alex   Romero ')).toBe('Alex');
    expect(teamName('front-desk')).toBe('front desk');
    expect(messages.dialing('Alex Romero')).toBe("I'm connecting you to Alex now. Please hold for a moment.");
  });

  it('promises a call-back within the configured time', () => {
    expect(messages.callback('front-desk')).toContain(
      'A member of our front desk team will call you back within about 15 minutes.',
    );
  });
});
