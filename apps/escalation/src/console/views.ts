import { CLOSED_STATUSES, OPEN_STATUSES } from '../domain/statuses.js';
import { listAttempts } from '../store/attempts.js';
import type { Queryable } from '../store/db.js';
import { findEscalation, listByStatus } from '../store/escalations.js';
import { type HumanAgent, listHumansOfQueue } from '../store/humans.js';
import type { DashboardView } from './pages/dashboard.js';
import type { DetailView } from './pages/detail.js';
import type { NoticeCode } from './pages/layout.js';

const OPEN_LIMIT = 200;
const HISTORY_LIMIT = 25;

async function namesOf(db: Queryable, queue: string): Promise<Map<string, string>> {
  return new Map((await listHumansOfQueue(db, queue)).map((human) => [human.id, human.name]));
}

/** Everything the queue page shows this human, read in one go. */
export async function loadDashboard(
  db: Queryable,
  input: { human: HumanAgent; csrf: string; now: Date; notice?: NoticeCode | undefined },
): Promise<DashboardView> {
  const { queue } = input.human;
  const [open, history, names] = await Promise.all([
    listByStatus(db, queue, OPEN_STATUSES, OPEN_LIMIT, 'queue'),
    listByStatus(db, queue, CLOSED_STATUSES, HISTORY_LIMIT, 'recent'),
    namesOf(db, queue),
  ]);
  return { ...input, open, history, names };
}

/** One escalation of this human's queue with its attempts; undefined when it is not theirs to see. */
export async function loadDetail(
  db: Queryable,
  escalationId: string,
  input: { human: HumanAgent; csrf: string; now: Date; notice?: NoticeCode | undefined },
): Promise<DetailView | undefined> {
  const escalation = await findEscalation(db, escalationId);
  if (!escalation || escalation.queue !== input.human.queue) return undefined;
  const [attempts, names] = await Promise.all([
    listAttempts(db, escalationId),
    namesOf(db, escalation.queue),
  ]);
  return { ...input, escalation, attempts, names };
}
