import {
  decodeJson,
  type EscalationStatus,
  type EscalationStatusValue,
  escalationStatusSchema,
  subjects,
} from '@voice/shared/contracts';
import type { NatsConnection } from '@voice/shared/nats';

/** Every escalation status published while it runs, from a core subscription (as the bridge listens). */
export class StatusWatch {
  readonly seen: EscalationStatus[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly subscription;

  constructor(nc: NatsConnection) {
    this.subscription = nc.subscribe(subjects.escalationStatusAll, {
      callback: (_error, msg) => {
        const status = decodeJson(escalationStatusSchema, msg.data, 'status');
        if (!status.ok) return;
        this.seen.push(status.value);
        for (const wake of this.waiters) wake();
      },
    });
  }

  of(escalationId: string): EscalationStatus[] {
    return this.seen.filter((s) => s.escalationId === escalationId);
  }

  statusesOf(escalationId: string): EscalationStatusValue[] {
    return this.of(escalationId).map((s) => s.status);
  }

  /** Resolves with the first status (already seen or future) of this escalation with this value. */
  waitFor(
    escalationId: string,
    status: EscalationStatusValue,
    timeoutMs = 20_000,
  ): Promise<EscalationStatus> {
    const find = () => this.seen.find((s) => s.escalationId === escalationId && s.status === status);
    const found = find();
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(
          new Error(
            `no ${status} status for ${escalationId} within ${timeoutMs} ms (saw ${this.statusesOf(escalationId).join(', ') || 'none'})`,
          ),
        );
      }, timeoutMs);
      const wake = () => {
        const match = find();
        if (!match) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(match);
      };
      this.waiters.add(wake);
    });
  }

  stop(): void {
    this.subscription.unsubscribe();
  }
}
