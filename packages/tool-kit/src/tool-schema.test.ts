import { tool } from '@langchain/core/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkArguments, toolParameters } from './tool-schema.js';

const booking = tool(async () => 'ok', {
  name: 'book',
  description: 'Books a slot.',
  schema: z.object({
    slotId: z.number().int().positive().describe('The slot id from find_open_slots'),
    reason: z.string().max(10).optional(),
    notify: z.boolean().default(true),
  }),
});

describe('toolParameters', () => {
  it('is flat JSON Schema without $schema, and fields with defaults stay optional', () => {
    expect(toolParameters(booking)).toEqual({
      type: 'object',
      properties: {
        slotId: {
          type: 'integer',
          exclusiveMinimum: 0,
          maximum: Number.MAX_SAFE_INTEGER,
          description: 'The slot id from find_open_slots',
        },
        reason: { type: 'string', maxLength: 10 },
        notify: { type: 'boolean', default: true },
      },
      required: ['slotId'],
      additionalProperties: false,
    });
  });

  it('passes a JSON Schema tool through', () => {
    const jsonTool = tool(async () => 'ok', {
      name: 'raw',
      description: 'Raw schema.',
      schema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
    });
    expect(toolParameters(jsonTool)).toMatchObject({ type: 'object', properties: { q: { type: 'string' } } });
  });
});

describe('checkArguments', () => {
  it('accepts valid arguments', () => {
    expect(checkArguments(booking, { slotId: 3 })).toEqual({ ok: true });
  });

  it('names every wrong field and what was expected', () => {
    const check = checkArguments(booking, { slotId: '3', reason: 'far too long a reason' });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.message).toContain('Invalid arguments for book');
    expect(check.message).toMatch(/slotId: Invalid input: expected number, received string/);
    expect(check.message).toMatch(/reason: .*<=10 characters/);
    expect(check.message).toContain('call the tool again');
  });

  it('says when the arguments are not an object at all', () => {
    const check = checkArguments(booking, 'slot 3');
    expect(check).toMatchObject({ ok: false, message: expect.stringContaining('(arguments): ') });
  });
});
