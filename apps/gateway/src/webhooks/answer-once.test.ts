import type { DecidedCallAnswer } from '@voice/shared/contracts';
import { createLogger } from '@voice/shared/logging';
import { describe, expect, it } from 'vitest';
import { MemoryAnswerLedger } from '../claims/answer-ledger.js';
import { type AnswerOnceDeps, AnswerWaitTimeout, answerOnce, type OwnerWork } from './answer-once.js';

const SID = `CA${'5'.repeat(32)}`;
const logger = createLogger({ service: 'answer-once-test', level: 'silent' });
const TOKEN_EXPIRES_AT = Date.now() + 60_000;

function connected(claimId: string, gatewayId = 'gw-a'): DecidedCallAnswer {
  return {
    state: 'connected',
    gatewayId,
    claimId,
    bridgeId: 'bridge-1',
    tokenExpiresAt: TOKEN_EXPIRES_AT,
    accountSid: `AC${'0'.repeat(32)}`,
    from: '+15550100001',
    to: '+15550100002',
    agentId: 'test-agent',
  };
}

function deps(ledger: MemoryAnswerLedger, overrides: Partial<AnswerOnceDeps> = {}): AnswerOnceDeps {
  return { ledger, gatewayId: 'gw-a', now: Date.now, leaseMs: 5_000, waitMs: 5_000, logger, ...overrides };
}

/** Owner work that decides `answer` once `release` is called, and records what it did. */
function work(answer: DecidedCallAnswer) {
  let release: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    release = resolve;
  });
  const log = { decided: 0, undone: [] as DecidedCallAnswer[] };
  let go: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    go = resolve;
  });
  const owner: OwnerWork = {
    decide: async () => {
      log.decided++;
      release();
      await gate;
      return answer;
    },
    undo: (undone) => log.undone.push(undone),
  };
  return { owner, log, started, go };
}

describe('answerOnce', () => {
  it('lets the first attempt decide and gives every later one its answer, without deciding again', async () => {
    const ledger = new MemoryAnswerLedger();
    const first = work(connected('claim-first'));
    const second = work(connected('claim-second'));
    const owning = answerOnce(deps(ledger), SID, first.owner);
    await first.started;
    const waiting = answerOnce(deps(ledger, { gatewayId: 'gw-b' }), SID, second.owner);
    first.go();

    expect(await owning).toEqual({ answer: connected('claim-first'), role: 'owner' });
    expect(await waiting).toMatchObject({ answer: { claimId: 'claim-first' }, role: 'followed' });
    expect(await answerOnce(deps(ledger), SID, second.owner)).toMatchObject({ role: 'followed' });
    expect(second.log.decided).toBe(0);
  });

  it('takes over from an owner whose lease ran out, and the late owner undoes its claim', async () => {
    const ledger = new MemoryAnswerLedger();
    let clock = 1_000_000;
    const dead = work(connected('claim-dead'));
    const owning = answerOnce(deps(ledger, { now: () => clock }), SID, dead.owner);
    await dead.started;

    clock += 6_000; // past the 5 s lease: the owner is presumed dead
    const next = work(connected('claim-next', 'gw-b'));
    next.go();
    const taken = await answerOnce(deps(ledger, { gatewayId: 'gw-b', now: () => clock }), SID, next.owner);
    expect(taken).toMatchObject({ answer: { claimId: 'claim-next' }, role: 'took_over' });

    dead.go(); // it was only slow: its write fails, it lets its claim go and follows
    expect(await owning).toMatchObject({ answer: { claimId: 'claim-next' }, role: 'followed' });
    expect(dead.log.undone).toMatchObject([{ claimId: 'claim-dead' }]);
  });

  it('gives the call back when the owner fails, so a retry decides afresh', async () => {
    const ledger = new MemoryAnswerLedger();
    const failing: OwnerWork = {
      decide: () => Promise.reject(new Error('postgres is down')),
      undo: () => {},
    };
    await expect(answerOnce(deps(ledger), SID, failing)).rejects.toThrow('postgres is down');
    expect(await ledger.read(SID)).toBeUndefined();

    const retry = work(connected('claim-retry'));
    retry.go();
    expect(await answerOnce(deps(ledger), SID, retry.owner)).toMatchObject({ role: 'owner' });
  });

  it('stops waiting for a live but slow owner at the wait bound', async () => {
    const ledger = new MemoryAnswerLedger();
    const slow = work(connected('claim-slow'));
    void answerOnce(deps(ledger), SID, slow.owner);
    await slow.started;

    const startedAt = performance.now();
    const waiting = answerOnce(deps(ledger, { waitMs: 300 }), SID, work(connected('x')).owner);
    await expect(waiting).rejects.toBeInstanceOf(AnswerWaitTimeout);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(250);
    slow.go();
  });
});
