import { defineTool, ToolCallError } from '@voice/tool-kit';
import { z } from 'zod';

/** Demo orders (a real worker would ask the shop's system): where each one is. */
const DEMO_ORDERS: Readonly<Record<string, { status: string; detail: string }>> = {
  'A-1001': { status: 'shipped', detail: 'With the courier; expected in 2 working days.' },
  'A-1002': { status: 'processing', detail: 'Being packed; it ships within 1 working day.' },
  'A-1003': { status: 'delivered', detail: 'Delivered and signed for.' },
  'A-1004': { status: 'cancelled', detail: 'Cancelled at the customer’s request; refunded.' },
};

/** "a1001", "A 1001" and "A-1001" are the same order. */
const normalize = (orderId: string) =>
  orderId
    .trim()
    .toUpperCase()
    .replace(/^([A-Z])[\s-]?(\d+)$/, '$1-$2');

/** The whole new tool: a schema, a description the model reads, and a handler. */
export const getOrderStatus = defineTool({
  name: 'get_order_status',
  description: 'Tell the caller where their order is, by its order number (like A-1001).',
  schema: z.object({ orderId: z.string().min(1).max(20).describe('The order number, e.g. A-1001.') }),
  timeoutMs: 2_000,
  handler: async ({ orderId }) => {
    const id = normalize(orderId);
    const order = DEMO_ORDERS[id];
    if (!order)
      throw new ToolCallError('not_found', `No order ${id}. Ask the caller to read the number again.`);
    return { orderId: id, ...order };
  },
});
