import type { DiscoveredTool } from '@voice/tool-kit';
import { describe, expect, it } from 'vitest';
import { TOOL_CATALOG_MAX_AGE_MS, ToolCatalog } from './tool-catalog.js';

const tool = (name: string): DiscoveredTool => ({
  name,
  description: name,
  parameters: { type: 'object' },
  timeoutMs: 1_000,
  subject: `tools.${name}`,
});

/** A discovery the test answers by hand. */
function manualDiscovery() {
  const pending: Array<{ resolve(tools: DiscoveredTool[]): void; reject(error: Error): void }> = [];
  const discover = () =>
    new Promise<DiscoveredTool[]>((resolve, reject) => {
      pending.push({ resolve, reject });
    });
  return { discover, pending };
}

describe('ToolCatalog', () => {
  it('has no recent list before a discovery finished, and keeps one only for its maximum age', async () => {
    let now = 0;
    const { discover, pending } = manualDiscovery();
    const catalog = new ToolCatalog(discover, () => now);
    expect(catalog.recent()).toBeUndefined();
    const found = catalog.discover();
    pending[0]?.resolve([tool('lookup_record')]);
    expect(await found).toEqual([tool('lookup_record')]);
    now += TOOL_CATALOG_MAX_AGE_MS;
    expect(catalog.recent()).toEqual([tool('lookup_record')]);
    now += 1;
    expect(catalog.recent()).toBeUndefined();
  });

  it('lets calls that start together share one discovery, and starts a new one after it', async () => {
    const { discover, pending } = manualDiscovery();
    const catalog = new ToolCatalog(discover);
    const first = catalog.discover();
    const second = catalog.discover();
    expect(pending).toHaveLength(1);
    pending[0]?.resolve([tool('a')]);
    expect(await first).toBe(await second);
    const third = catalog.discover();
    expect(pending).toHaveLength(2);
    pending[1]?.resolve([tool('b')]);
    expect(await third).toEqual([tool('b')]);
    expect(catalog.recent()).toEqual([tool('b')]);
  });

  it('passes a failed discovery on, keeps the last list, and tries again on the next call', async () => {
    const { discover, pending } = manualDiscovery();
    const catalog = new ToolCatalog(discover);
    const ok = catalog.discover();
    pending[0]?.resolve([tool('a')]);
    await ok;
    const failed = catalog.discover();
    pending[1]?.reject(new Error('nats is away'));
    await expect(failed).rejects.toThrow('nats is away');
    expect(catalog.recent()).toEqual([tool('a')]);
    void catalog.discover();
    expect(pending).toHaveLength(3);
  });
});
