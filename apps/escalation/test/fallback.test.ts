import { describe, expect, it } from 'vitest';
import { signIn } from './support/console-client.js';
import { createQueueFixture, escalationRequest, storedEscalation, storedHuman } from './support/fixtures.js';
import { useEscalationSuite } from './support/suite.js';

describe('nobody free: the fallbacks, and callers served from the queue (real NATS and Postgres)', () => {
  const { h, ingress } = useEscalationSuite();
  const row = (id: string) => storedEscalation(h.db, id);

  it('schedules a call-back the agent tells the caller about, without touching the call', async () => {
    const fixture = await createQueueFixture(h.db, {
      fallback: 'callback',
      humans: [{ name: 'Away Person', available: false }],
    });
    const request = escalationRequest(fixture.agentId);
    const started = Date.now();
    await h.publish(request);

    const scheduled = await h.statuses.waitFor(request.escalationId, 'callback_scheduled');
    expect(scheduled.message).toMatch(/call you back within about 15 minutes/);
    expect(h.statuses.statusesOf(request.escalationId)).toEqual(['routing', 'callback_scheduled']);
    const stored = await row(request.escalationId);
    expect(stored).toMatchObject({
      status: 'callback_scheduled',
      humanAgentId: null,
      message: scheduled.message,
    });
    expect(stored?.callbackAt?.getTime()).toBeGreaterThanOrEqual(started + 15 * 60_000 - 1_000);
    await h.intakeSettled();
    expect(ingress.commandsFor(request.callSid)).toHaveLength(0);
  });

  it('holds the caller in the queue with updates, then moves them to the first human who becomes available', async () => {
    const fixture = await createQueueFixture(h.db, {
      fallback: 'queue',
      humans: [{ name: 'Jo Quinn', available: false }],
    });
    const request = escalationRequest(fixture.agentId);
    await h.publish(request);
    await h.statuses.waitFor(request.escalationId, 'queued');

    const [enqueue] = ingress.enqueuesFor(request.callSid);
    expect(enqueue).toEqual({
      type: 'enqueue',
      ref: `${request.escalationId}:0`,
      queue: fixture.queue,
      say: expect.stringContaining('the next available person will pick up'),
    });
    expect(await h.questions.held(enqueue?.ref ?? '', 1)).toEqual({ ok: true });
    expect(ingress.commandsFor(request.callSid)).toHaveLength(1);

    const jo = await signIn(h.http, fixture.humans[0]?.token ?? '');
    const set = await jo.post('/console/availability', { available: 'on', return_to: '/console' });
    expect(set.statusCode).toBe(303);

    const dialing = await h.statuses.waitFor(request.escalationId, 'dialing');
    expect(dialing.humanName).toBe('Jo Quinn');
    const moved = ingress.commandsFor(request.callSid)[1];
    expect(moved).toMatchObject({ type: 'transfer', to: { phone: fixture.humans[0]?.phone } });
    expect(await row(request.escalationId)).toMatchObject({ status: 'dialing', attempts: 1 });
  });

  it('serves the longest-waiting caller when a human finishes a conversation', async () => {
    const fixture = await createQueueFixture(h.db, { fallback: 'queue', humans: [{ name: 'Pat Lowe' }] });
    const first = escalationRequest(fixture.agentId);
    await h.publish(first);
    await h.statuses.waitFor(first.escalationId, 'dialing');
    const waiting = escalationRequest(fixture.agentId);
    await h.publish(waiting);
    await h.statuses.waitFor(waiting.escalationId, 'queued');

    const dial = ingress.transfersFor(first.callSid)[0];
    await h.questions.answered(dial?.ref ?? '');
    await h.questions.dialEnded(dial?.ref ?? '', 'completed');

    const dialing = await h.statuses.waitFor(waiting.escalationId, 'dialing');
    expect(dialing.humanAgentId).toBe(fixture.humans[0]?.id);
    const pat = await storedHuman(h.db, fixture.humans[0]?.id);
    expect(pat?.currentEscalationId).toBe(waiting.escalationId);
  });

  it('routes by skills: the human who has all the required ones, even if another is free longer', async () => {
    const fixture = await createQueueFixture(h.db, {
      fallback: 'callback',
      humans: [
        { name: 'Gen Eral', skills: ['scheduling'] },
        { name: 'Cli Nical', skills: ['scheduling', 'clinical'] },
      ],
    });
    const request = escalationRequest(fixture.agentId, { skills: ['clinical'] });
    await h.publish(request);
    const dialing = await h.statuses.waitFor(request.escalationId, 'dialing');
    expect(dialing.humanName).toBe('Cli Nical');
    expect(await row(request.escalationId)).toMatchObject({ skills: ['clinical'] });
    const ref = ingress.transfersFor(request.callSid)[0]?.ref ?? '';
    // The skills are read from the stored escalation, not carried in the transfer's ref.
    expect(ref).toBe(`${request.escalationId}:1`);

    // Nobody else has the skill: after a no-answer, the fallback, not the unskilled human.
    const response = await h.questions.dialEnded(ref, 'no_answer');
    expect(response).toMatchObject({
      ok: true,
      next: { type: 'say_and_hang_up', text: expect.stringContaining('will call you back') },
    });
    await h.statuses.waitFor(request.escalationId, 'callback_scheduled');
  });

  it('serves a queued caller who needs a skill only by a human who has it, and the callers behind them meanwhile', async () => {
    const fixture = await createQueueFixture(h.db, {
      fallback: 'queue',
      humans: [
        { name: 'Gen Eral', skills: ['scheduling'], available: false },
        { name: 'Cli Nical', skills: ['clinical'], available: false },
      ],
    });
    const [general, clinical] = fixture.humans;
    const needsClinical = escalationRequest(fixture.agentId, { skills: ['clinical'] });
    await h.publish(needsClinical);
    await h.statuses.waitFor(needsClinical.escalationId, 'queued');
    const anyone = escalationRequest(fixture.agentId);
    await h.publish(anyone);
    await h.statuses.waitFor(anyone.escalationId, 'queued');

    // The unskilled human takes the caller behind, never the one who waited longest.
    const gen = await signIn(h.http, general?.token ?? '');
    await gen.post('/console/availability', { available: 'on', return_to: '/console' });
    const servedByGen = await h.statuses.waitFor(anyone.escalationId, 'dialing');
    expect(servedByGen.humanAgentId).toBe(general?.id);
    // Gen is free again (and free longer than Cli will be) but still not offered the caller.
    const genDial = ingress.transfersFor(anyone.callSid)[0];
    await h.questions.answered(genDial?.ref ?? '');
    await h.questions.dialEnded(genDial?.ref ?? '', 'completed');
    expect((await storedHuman(h.db, general?.id))?.currentEscalationId).toBeNull();
    await h.app.queueServer.idle();
    expect(await row(needsClinical.escalationId)).toMatchObject({ status: 'queued', humanAgentId: null });
    expect(ingress.commandsFor(needsClinical.callSid)).toHaveLength(1);

    const cli = await signIn(h.http, clinical?.token ?? '');
    await cli.post('/console/availability', { available: 'on', return_to: '/console' });
    const servedByCli = await h.statuses.waitFor(needsClinical.escalationId, 'dialing');
    expect(servedByCli.humanAgentId).toBe(clinical?.id);
    expect(ingress.commandsFor(needsClinical.callSid)[1]).toMatchObject({ to: { phone: clinical?.phone } });
  });
});
