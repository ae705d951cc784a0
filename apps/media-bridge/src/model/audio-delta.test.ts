import { mutateJson, mutateText, type Random, seededRandom } from '@voice/testkit';
import { describe, expect, it } from 'vitest';
import { AudioDeltaReader } from './audio-delta.js';
import { parseServerEvent } from './server-events.js';

const DELTA = {
  type: 'response.output_audio.delta',
  event_id: 'event_C1a2b3',
  response_id: 'resp_C1a2b3',
  item_id: 'item_C1a2b3',
  output_index: 0,
  content_index: 0,
  delta: Buffer.alloc(160, 0x7f).toString('base64'),
};

/** The same event with its keys in another order. */
const shuffled = (random: Random) =>
  Object.fromEntries(Object.entries(DELTA).sort(() => (random.chance(0.5) ? 1 : -1)));

function deltaText(random: Random): string {
  const base = shuffled(random);
  switch (random.int(5)) {
    case 0:
      return JSON.stringify(base);
    case 1:
      return JSON.stringify({ ...base, delta: random.pick(['', 'AA==', 'A=A', 'not base64', '/+9z', 'é']) });
    case 2:
      return JSON.stringify(mutateJson(random, base));
    case 3:
      return JSON.stringify({
        ...base,
        [random.pick(Object.keys(DELTA))]: random.pick([1, 'x', null, -0.5]),
      });
    default:
      return mutateText(random, JSON.stringify(base));
  }
}

/** What the typed path (the SDK's JSON.parse, then the schema) makes of a message. */
function typedPath(text: string): ReturnType<typeof parseServerEvent> | 'not_json' {
  try {
    return parseServerEvent(JSON.parse(text));
  } catch {
    return 'not_json';
  }
}

describe('the audio delta fast path against the typed path', () => {
  it('agrees with it on every delta it answers: accept or reject, and the fields (20000 messages)', () => {
    const random = seededRandom(4_242);
    const reader = new AudioDeltaReader();
    const verdicts = { delta: 0, invalid: 0, other: 0 };
    for (let i = 0; i < 20_000; i++) {
      const text = deltaText(random);
      const read = reader.read(Buffer.from(text));
      const typed = typedPath(text);
      if (read === 'other') {
        verdicts.other++;
      } else if (read === 'invalid') {
        verdicts.invalid++;
        expect(typed !== 'not_json' && !typed.ok && !typed.ignored && typed.invalid.kind, text).toBe(
          'malformed',
        );
      } else {
        verdicts.delta++;
        expect(typed !== 'not_json' && typed.ok && typed.event.type, text).toBe(
          'response.output_audio.delta',
        );
        if (typed === 'not_json' || !typed.ok || typed.event.type !== 'response.output_audio.delta') continue;
        expect(read.responseId).toBe(typed.event.response_id);
        expect(read.itemId).toBe(typed.event.item_id);
        expect(Buffer.from(read.audio).toString('latin1')).toBe(typed.event.delta);
      }
    }
    expect(verdicts.delta).toBeGreaterThan(3_000);
    expect(verdicts.invalid).toBeGreaterThan(1_000);
    expect(verdicts.other).toBeGreaterThan(3_000);
  });

  it('reuses the id strings while they repeat, and notices when they change', () => {
    const reader = new AudioDeltaReader();
    const first = reader.read(Buffer.from(JSON.stringify(DELTA)));
    const second = reader.read(Buffer.from(JSON.stringify({ ...DELTA, event_id: 'event_2' })));
    const third = reader.read(Buffer.from(JSON.stringify({ ...DELTA, item_id: 'item_2' })));
    if (typeof first === 'string' || typeof second === 'string' || typeof third === 'string') {
      throw new Error('expected three deltas');
    }
    expect(second.itemId).toBe(first.itemId);
    expect(third).toMatchObject({ responseId: 'resp_C1a2b3', itemId: 'item_2' });
  });

  it('leaves every other server event to the typed path', () => {
    const reader = new AudioDeltaReader();
    for (const event of [
      { type: 'response.output_audio_transcript.delta', item_id: 'i', delta: 'Hello' },
      { type: 'session.created', session: {} },
      { ...DELTA, type: 'response.output_audio.done' },
    ]) {
      expect(reader.read(Buffer.from(JSON.stringify(event)))).toBe('other');
    }
  });
});
