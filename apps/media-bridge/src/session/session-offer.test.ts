import type { DiscoveredTool } from '@voice/tool-kit';
import { describe, expect, it } from 'vitest';
import type { ToolSource } from '../tools/tool-catalog.js';
import { SessionOffer } from './session-offer.js';

const profile = {
  instructions: 'Be kind.',
  voice: 'marin',
  turnDetection: { type: 'server_vad' as const },
  noiseReduction: null,
  transcriptionModel: 'gpt-4o-transcribe',
  language: 'en',
  allowedTools: ['lookup_record', 'find_open_slots', 'end_call'],
};

const tool = (name: string, description = name): DiscoveredTool => ({
  name,
  description,
  parameters: { type: 'object' },
  timeoutMs: 1_000,
  subject: `tools.${name}`,
});

/** A tool source whose recent list and next discovery the test sets. */
function source(
  recent: DiscoveredTool[] | undefined,
  next: DiscoveredTool[],
): ToolSource & { next: DiscoveredTool[] } {
  return {
    next,
    recent: () => recent,
    async discover() {
      return this.next;
    },
  };
}

const names = (offer: SessionOffer) => offer.config.tools?.map((t) => ('name' in t ? t.name : ''));

describe('SessionOffer', () => {
  it('starts from the recent list, only the tools the profile allows, plus its system tools', () => {
    const offer = new SessionOffer(profile, source([tool('lookup_record'), tool('book_slot')], []));
    expect(names(offer)).toEqual(['lookup_record', 'end_call']);
    expect([...offer.workerTools.keys()]).toEqual(['lookup_record']);
    expect(offer.toolNames).toEqual(['lookup_record', 'end_call']);
  });

  it('starts with the system tools alone when no recent list exists', () => {
    expect(names(new SessionOffer(profile, source(undefined, [])))).toEqual(['end_call']);
  });

  it('says a session.update is due only when its own discovery changed what is offered', async () => {
    const tools = source([tool('lookup_record')], [tool('lookup_record')]);
    const offer = new SessionOffer(profile, tools);
    expect(await offer.refresh()).toBe(false);
    tools.next = [tool('find_open_slots'), tool('lookup_record')];
    expect(await offer.refresh()).toBe(true);
    expect(names(offer)).toEqual(['find_open_slots', 'lookup_record', 'end_call']);
    tools.next = [tool('find_open_slots', 'a new description'), tool('lookup_record')];
    expect(await offer.refresh()).toBe(true);
    tools.next = [];
    expect(await offer.refresh()).toBe(true);
    expect(names(offer)).toEqual(['end_call']);
    expect(offer.workerTools.size).toBe(0);
  });

  it('does not discover at all for a profile without worker tools', async () => {
    let asked = 0;
    const offer = new SessionOffer(
      { ...profile, allowedTools: ['end_call'] },
      {
        recent: () => undefined,
        discover: async () => {
          asked++;
          return [];
        },
      },
    );
    expect(await offer.refresh()).toBe(false);
    expect(asked).toBe(0);
  });
});
