/** Ticket references start here so they sound like references ("T-1042"), not counters. */
const REF_OFFSET = 1_000;
const REF_PATTERN = /^\s*(?:T\s*-?\s*)?(\d{1,9})\s*$/i;

/** The reference read out to the caller for ticket row `id`. */
export function ticketRef(id: number): string {
  return `T-${REF_OFFSET + id}`;
}

/** Normalises what the model heard ("t 1042", "1042", "T-1042") to "T-1042"; undefined when it is not one. */
export function normalizeTicketRef(spoken: string): string | undefined {
  const digits = REF_PATTERN.exec(spoken)?.[1];
  return digits === undefined ? undefined : `T-${Number(digits)}`;
}
