import { ToolCallError } from '@voice/tool-kit';
import { describe, expect, it } from 'vitest';
import { getOrderStatus } from './get-order-status.js';

const context = {
  callSid: `CA${'cd'.repeat(16)}`,
  from: '+15550100001',
  to: '+15550001000',
  agentId: 'maple-dental-reception',
};

describe('get_order_status', () => {
  it('tells where a demo order is, however the number was said', async () => {
    for (const orderId of ['A-1001', 'a1001', ' A 1001 ']) {
      expect(await getOrderStatus.invoke({ orderId }, { context })).toEqual({
        orderId: 'A-1001',
        status: 'shipped',
        detail: 'With the courier; expected in 2 working days.',
      });
    }
  });

  it('answers not_found for any other order', async () => {
    const answer = getOrderStatus.invoke({ orderId: 'B-9' }, { context });
    await expect(answer).rejects.toBeInstanceOf(ToolCallError);
    await expect(answer).rejects.toMatchObject({
      code: 'not_found',
      message: 'No order B-9. Ask the caller to read the number again.',
    });
  });
});
