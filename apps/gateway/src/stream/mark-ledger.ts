/**
 * Marks at most pending on one stream. A bridge sends one mark per ~250 ms of agent audio, so
 * this is over forty minutes of audio queued at Twilio: only a broken bridge gets here.
 */
export const MAX_PENDING_MARKS = 10_000;

/**
 * The marks one stream sent to Twilio and Twilio has not echoed yet, each with the claim whose
 * bridge sent it. Twilio echoes every mark exactly once: when the audio before it has played,
 * or at once when a `clear` empties its buffer (Twilio Media Streams docs, "mark" and "clear"
 * messages; PROTOCOLS.md §3). So an echo of a pending mark is accounted for, however many come
 * together, and an echo of a mark never sent (or already echoed) is not Twilio's.
 *
 * Bridges name marks on their own (`m1`, `m2`, …), so after a move two claims may have a mark
 * of the same name pending: echoes come in the order the marks were sent, so the oldest
 * pending mark of a name is the one echoed.
 */
export class MarkLedger {
  private readonly pending = new Map<string, string[]>();
  private count = 0;

  /** Records a mark `claimId`'s bridge sends; false when too many are pending (do not send it). */
  sent(name: string, claimId: string): boolean {
    if (this.count >= MAX_PENDING_MARKS) return false;
    const owners = this.pending.get(name);
    if (owners) owners.push(claimId);
    else this.pending.set(name, [claimId]);
    this.count++;
    return true;
  }

  /** Whether an echo of `name` would be one of ours (without settling it). */
  expects(name: string): boolean {
    return this.pending.has(name);
  }

  /** Settles the echo of `name`: the claim that sent it, or undefined when no such mark is pending. */
  echoed(name: string): string | undefined {
    const owners = this.pending.get(name);
    if (!owners) return undefined;
    const owner = owners.shift();
    if (owners.length === 0) this.pending.delete(name);
    this.count--;
    return owner;
  }

  get size(): number {
    return this.count;
  }
}
