import { describe, expect, it } from 'vitest';
import { parseServerEvent } from './server-events.js';

describe('parseServerEvent', () => {
  it('validates the events the bridge acts on', () => {
    const parsed = parseServerEvent({
      type: 'response.output_audio.delta',
      event_id: 'e1',
      response_id: 'resp_1',
      item_id: 'item_1',
      output_index: 0,
      content_index: 0,
      delta: 'AAAA',
    });
    expect(parsed).toMatchObject({ ok: true, event: { type: 'response.output_audio.delta', delta: 'AAAA' } });
  });

  it('returns unknown and malformed events as values, and skips known ones it does not use', () => {
    expect(parseServerEvent({ type: 'response.output_audio.delta', delta: 42 })).toMatchObject({
      ok: false,
      ignored: false,
      invalid: { kind: 'malformed', type: 'response.output_audio.delta' },
    });
    expect(parseServerEvent({ type: 'brand.new_event' })).toMatchObject({
      ok: false,
      invalid: { kind: 'unknown' },
    });
    expect(parseServerEvent(null)).toMatchObject({
      ok: false,
      invalid: { kind: 'unknown', type: undefined },
    });
    expect(parseServerEvent({ type: 'response.content_part.added' })).toEqual({ ok: false, ignored: true });
  });
});
