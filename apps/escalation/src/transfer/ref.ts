/**
 * A transfer's `ref` in the call-control contract: `escalationId:attempt`, so each outcome is
 * matched to the attempt it is about (a late callback of attempt 1 never moves attempt 2).
 */
export function transferRef(escalationId: string, attempt: number): string {
  return `${escalationId}:${attempt}`;
}

/** The escalation and attempt a `ref` names; undefined for one this service never made. */
export function parseTransferRef(ref: string): { escalationId: string; attempt: number } | undefined {
  const cut = ref.lastIndexOf(':');
  const attempt = Number(ref.slice(cut + 1));
  if (cut <= 0 || !Number.isInteger(attempt) || attempt < 0) return undefined;
  return { escalationId: ref.slice(0, cut), attempt };
}
