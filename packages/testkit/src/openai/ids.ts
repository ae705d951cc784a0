import { randomBytes } from 'node:crypto';

/** Random bytes per id, and ids' worth drawn from the system at once (an id per event adds up under load). */
const ID_BYTES = 10;
const POOL_IDS = 256;
let pool = Buffer.alloc(0);
let offset = 0;

/** Ids shaped like the API's (`item_…`, `resp_…`, `call_…`, `event_…`, `sess_…`). */
export function newId(prefix: 'item' | 'resp' | 'call' | 'event' | 'sess'): string {
  if (offset + ID_BYTES > pool.length) {
    pool = randomBytes(ID_BYTES * POOL_IDS);
    offset = 0;
  }
  const id = pool.toString('base64url', offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return `${prefix}_${id}`;
}
