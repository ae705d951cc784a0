import { randomBytes } from 'node:crypto';
import type { EscalationRequested } from '@voice/shared/contracts';
import {
  agentProfiles,
  type Database,
  type EscalationRow,
  escalations,
  type HumanAgent,
  hashToken,
  humanAgents,
} from '@voice/shared/db';
import { eq, sql } from 'drizzle-orm';

let counter = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}-${randomBytes(2).toString('hex')}`;

export const newCallSid = () => `CA${randomBytes(16).toString('hex')}`;

/** A number in the 555 range reserved for fiction. */
const randomPhone = () => `+1555${String(randomBytes(4).readUInt32BE() % 10_000_000).padStart(7, '0')}`;

export interface HumanSpec {
  name: string;
  skills?: string[];
  available?: boolean;
}

export interface TestHuman {
  id: string;
  name: string;
  phone: string;
  token: string;
  skills: string[];
}

export interface QueueFixture {
  agentId: string;
  queue: string;
  humans: TestHuman[];
}

/**
 * An agent profile with its own queue and humans, so tests in one suite never share a human.
 * Humans are inserted one after another with increasing `updated_at`, so routing (least
 * recently busy first) rings them in the order given.
 */
export async function createQueueFixture(
  db: Database,
  options: { fallback: 'queue' | 'callback'; humans: HumanSpec[] },
): Promise<QueueFixture> {
  const agentId = unique('agent');
  const queue = unique('desk');
  await db.insert(agentProfiles).values({
    id: agentId,
    phoneNumber: randomPhone(),
    name: 'Test agent',
    instructions: 'Be brief.',
    greeting: 'Hello.',
    escalationQueue: queue,
    escalationFallback: options.fallback,
  });
  const humans: TestHuman[] = [];
  for (const [index, spec] of options.humans.entries()) {
    const human: TestHuman = {
      id: unique('human'),
      name: spec.name,
      phone: randomPhone(),
      token: `token-${randomBytes(16).toString('hex')}`,
      skills: spec.skills ?? [],
    };
    await db.insert(humanAgents).values({
      id: human.id,
      name: human.name,
      phone: human.phone,
      queue,
      skills: human.skills,
      available: spec.available ?? true,
      tokenHash: hashToken(human.token),
      updatedAt: sql`now() - make_interval(secs => ${options.humans.length - index})`,
    });
    humans.push(human);
  }
  return { agentId, queue, humans };
}

export function escalationRequest(
  agentId: string,
  overrides: Partial<EscalationRequested> = {},
): EscalationRequested {
  const callSid = overrides.callSid ?? newCallSid();
  const toolCallId = overrides.toolCallId ?? `call_${randomBytes(6).toString('hex')}`;
  return {
    escalationId: `${callSid}:${toolCallId}`,
    callSid,
    toolCallId,
    agentId,
    caller: '+15550100001',
    reason: 'Billing dispute',
    summary: 'Caller was charged twice for a cleaning and wants a refund.',
    priority: 'normal',
    transcript: [
      { role: 'caller', text: 'I was charged twice.', at: new Date().toISOString() },
      { role: 'agent', text: 'Let me get someone from the front desk.', at: new Date().toISOString() },
    ],
    requestedAt: new Date().toISOString(),
    ...overrides,
  };
}

/** An escalation's stored row, read back as the service left it. */
export async function storedEscalation(db: Database, id: string): Promise<EscalationRow | undefined> {
  const [row] = await db.select().from(escalations).where(eq(escalations.id, id));
  return row;
}

/** A human's stored row (availability, current escalation). */
export async function storedHuman(db: Database, id: string | undefined): Promise<HumanAgent | undefined> {
  const [row] = await db
    .select()
    .from(humanAgents)
    .where(eq(humanAgents.id, id ?? ''));
  return row;
}
