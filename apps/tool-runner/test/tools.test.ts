import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import {
  appointments,
  createDatabase,
  type DatabaseHandle,
  DEMO_CALLER_NUMBER,
  migrationsFolder,
  seedDemoData,
  slots,
  tickets,
} from '@voice/shared/db';
import { useTestInfra } from '@voice/testkit/vitest';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunnerInstance, startRunnerInstance } from './support/runner.js';
import { callFrom, callTool, errorOf, okResult } from './support/tool-calls.js';

const infra = useTestInfra({ migrationsFolder });
const MORGAN = '+15550100002';
const STRANGER = '+15550109999';
const SPOKEN_TIME = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}, \d{2}:\d{2} UTC$/;

interface SlotView {
  slotId: number;
  startsAt: string;
  when: string;
  with: string;
  service: string;
}

let nc: NatsConnection;
let database: DatabaseHandle;
let runner: RunnerInstance;

beforeAll(async () => {
  database = createDatabase({ url: infra.databaseUrl });
  await seedDemoData(database.db);
  runner = await startRunnerInstance(infra.natsUrl, infra.databaseUrl, 'tool-runner-test');
  nc = await connect({ servers: infra.natsUrl });
});

afterAll(async () => {
  await nc?.close();
  await runner?.stop();
  await database?.close();
});

const openSlots = (args: Record<string, unknown> = {}) =>
  okResult<{ slots: SlotView[]; message?: string }>(callTool(nc, 'find_open_slots', args));

describe('lookup_record', () => {
  it("finds the caller's own record from the number they call from, without emails", async () => {
    const record = await okResult(callTool(nc, 'lookup_record', {}));
    expect(record).toMatchObject({
      name: 'Jordan Lee',
      notes: 'Prefers morning appointments.',
      openTickets: [{ ref: 'T-1001', subject: 'Insurance claim for last visit', status: 'in_progress' }],
    });
    const upcoming = record.upcomingAppointments as Array<Record<string, unknown>>;
    expect(upcoming).toHaveLength(1);
    expect(upcoming[0]).toMatchObject({
      appointmentId: expect.any(Number),
      with: 'Dr. Priya Patel',
      service: 'check-up',
    });
    expect(upcoming[0]?.when).toMatch(SPOKEN_TIME);
    expect(JSON.stringify(record)).not.toContain('@');
  });

  it("finds another caller's own record when they call", async () => {
    expect(await okResult(callTool(nc, 'lookup_record', {}, callFrom(MORGAN)))).toEqual({
      name: 'Morgan Diaz',
      upcomingAppointments: [],
      openTickets: [],
    });
  });

  it('answers not_found for an unknown caller, with advice', async () => {
    const error = await errorOf(callTool(nc, 'lookup_record', {}, callFrom(STRANGER)));
    expect(error).toMatchObject({ code: 'not_found', retryable: false });
    expect(error.message).toMatch(/new customer/);
  });

  it("refuses to read someone else's record by a number the caller gives", async () => {
    const error = await errorOf(callTool(nc, 'lookup_record', { phone: MORGAN }));
    expect(error.code).toBe('bad_arguments');
    expect(error.message).toMatch(/phone/);
  });
});

describe('find_open_slots', () => {
  it('offers a few open future slots, soonest first, never a booked one', async () => {
    const { slots: offered } = await openSlots();
    expect(offered).toHaveLength(5);
    const starts = offered.map((s) => Date.parse(s.startsAt));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(starts.every((t) => t > Date.now())).toBe(true);
    for (const slot of offered) expect(slot.when).toMatch(SPOKEN_TIME);

    const [booked] = await database.db
      .select({ slotId: slots.id, startsAt: slots.startsAt, service: slots.service })
      .from(appointments)
      .innerJoin(slots, eq(slots.id, appointments.slotId))
      .where(eq(appointments.status, 'booked'));
    if (!booked) throw new Error('the seed books one appointment');
    const sameTime = await openSlots({
      from: booked.startsAt.toISOString(),
      to: new Date(booked.startsAt.getTime() + 60_000).toISOString(),
    });
    // The other clinician's slot at that time is open; the booked one is not offered.
    expect(sameTime.slots.map((s) => s.slotId)).not.toContain(booked.slotId);
    expect(sameTime.slots).toHaveLength(1);
  });

  it('filters by service, day, time range and limit', async () => {
    const cleanings = await openSlots({ service: 'cleaning', limit: 10 });
    expect(cleanings.slots).toHaveLength(10);
    expect(new Set(cleanings.slots.map((s) => s.with))).toEqual(new Set(['Hygienist Dana Kim']));

    const day = cleanings.slots[0]?.startsAt.slice(0, 10) as string;
    const onDay = await openSlots({ date: day, limit: 10 });
    expect(onDay.slots.every((s) => s.startsAt.startsWith(day))).toBe(true);

    const from = `${day}T13:00:00Z`;
    const to = `${day}T14:00:00Z`;
    const ranged = await openSlots({ from, to, limit: 10 });
    // Two clinicians, every 30 minutes: four slots start in one hour.
    expect(ranged.slots).toHaveLength(4);
    expect(ranged.slots.every((s) => Date.parse(s.startsAt) >= Date.parse(from))).toBe(true);
    expect(ranged.slots.every((s) => Date.parse(s.startsAt) < Date.parse(to))).toBe(true);
    expect((await openSlots({ limit: 2 })).slots).toHaveLength(2);
  });

  it('says so when nothing matches', async () => {
    const none = await openSlots({ date: '2099-01-05' });
    expect(none.slots).toEqual([]);
    expect(none.message).toMatch(/another day/);
  });

  it('refuses a bad day or an empty range with advice', async () => {
    const badDate = await errorOf(callTool(nc, 'find_open_slots', { date: 'next Tuesday' }));
    expect(badDate).toMatchObject({ code: 'bad_arguments' });
    expect(badDate.message).toMatch(/date: a day as YYYY-MM-DD/);
    const empty = await errorOf(
      callTool(nc, 'find_open_slots', { from: '2030-01-02T10:00:00Z', to: '2030-01-02T09:00:00Z' }),
    );
    expect(empty).toMatchObject({ code: 'bad_arguments' });
    expect(empty.message).toMatch(/"from" must be before "to"/);
    const badService = await errorOf(callTool(nc, 'find_open_slots', { service: 'whitening' }));
    expect(badService.message).toMatch(/service: .*"check-up"\|"cleaning"/);
  });
});

describe('book_appointment and cancel_appointment', () => {
  it('books an open slot for the caller, linked to their record; it leaves the open list and joins theirs', async () => {
    const [slot] = (await openSlots({ service: 'cleaning' })).slots;
    if (!slot) throw new Error('no open slot');
    const context = callFrom();
    const booking = await okResult(
      callTool(nc, 'book_appointment', { slotId: slot.slotId, reason: 'cleaning' }, context),
    );
    expect(booking).toEqual({
      appointmentId: expect.any(Number),
      status: 'booked',
      startsAt: slot.startsAt,
      when: slot.when,
      with: 'Hygienist Dana Kim',
      service: 'cleaning',
    });

    const [row] = await database.db
      .select()
      .from(appointments)
      .where(eq(appointments.id, booking.appointmentId as number));
    expect(row).toMatchObject({
      slotId: slot.slotId,
      callerPhone: DEMO_CALLER_NUMBER,
      customerId: expect.any(Number),
      callSid: context.callSid,
      reason: 'cleaning',
      status: 'booked',
    });
    const stillOpen = await openSlots({ service: 'cleaning', date: slot.startsAt.slice(0, 10), limit: 10 });
    expect(stillOpen.slots.map((s) => s.slotId)).not.toContain(slot.slotId);
    const record = await okResult(callTool(nc, 'lookup_record', {}));
    expect(record.upcomingAppointments).toContainEqual(
      expect.objectContaining({ appointmentId: booking.appointmentId, startsAt: slot.startsAt }),
    );
  });

  it('answers conflict for a slot already taken, and not_found for an unknown or past slot', async () => {
    const [slot] = (await openSlots()).slots;
    if (!slot) throw new Error('no open slot');
    await okResult(callTool(nc, 'book_appointment', { slotId: slot.slotId }, callFrom(MORGAN)));
    const taken = await errorOf(callTool(nc, 'book_appointment', { slotId: slot.slotId }));
    expect(taken).toMatchObject({ code: 'conflict', retryable: false });
    expect(taken.message).toMatch(/another open slot/);

    expect(await errorOf(callTool(nc, 'book_appointment', { slotId: 987_654 }))).toMatchObject({
      code: 'not_found',
    });
    const [past] = await database.db
      .insert(slots)
      .values({
        resource: 'Dr. Priya Patel',
        service: 'check-up',
        startsAt: new Date(Date.now() - 86_400_000),
        endsAt: new Date(Date.now() - 84_600_000),
      })
      .returning({ id: slots.id });
    expect(await errorOf(callTool(nc, 'book_appointment', { slotId: past?.id }))).toMatchObject({
      code: 'not_found',
    });
    expect(await errorOf(callTool(nc, 'book_appointment', { slotId: 'tomorrow' }))).toMatchObject({
      code: 'bad_arguments',
    });
  });

  it('books for a caller the business does not know yet, without a customer link', async () => {
    const [slot] = (await openSlots()).slots;
    const booking = await okResult(
      callTool(nc, 'book_appointment', { slotId: slot?.slotId }, callFrom(STRANGER)),
    );
    const [row] = await database.db
      .select()
      .from(appointments)
      .where(eq(appointments.id, booking.appointmentId as number));
    expect(row).toMatchObject({ callerPhone: STRANGER, customerId: null });
  });

  it("cancels only the caller's own upcoming booked appointment, and frees the slot", async () => {
    const [slot] = (await openSlots({ service: 'check-up' })).slots;
    if (!slot) throw new Error('no open slot');
    const booking = await okResult(
      callTool(nc, 'book_appointment', { slotId: slot.slotId }, callFrom(MORGAN)),
    );
    const appointmentId = booking.appointmentId as number;

    const notTheirs = await errorOf(callTool(nc, 'cancel_appointment', { appointmentId }));
    expect(notTheirs).toMatchObject({ code: 'not_found' });
    expect(notTheirs.message).toMatch(/lookup_record/);

    expect(await okResult(callTool(nc, 'cancel_appointment', { appointmentId }, callFrom(MORGAN)))).toEqual({
      appointmentId,
      status: 'cancelled',
      startsAt: slot.startsAt,
      when: slot.when,
      with: slot.with,
    });
    const [row] = await database.db.select().from(appointments).where(eq(appointments.id, appointmentId));
    expect(row).toMatchObject({ status: 'cancelled', cancelledAt: expect.any(Date) });
    expect(
      await errorOf(callTool(nc, 'cancel_appointment', { appointmentId }, callFrom(MORGAN))),
    ).toMatchObject({
      code: 'not_found',
    });
    // The slot is open again: someone else can book it.
    await okResult(callTool(nc, 'book_appointment', { slotId: slot.slotId }, callFrom()));
  });

  it("cancels the seeded appointment of the caller's customer record", async () => {
    const record = await okResult(callTool(nc, 'lookup_record', {}));
    const [first] = record.upcomingAppointments as Array<{ appointmentId: number }>;
    const cancelled = await okResult(
      callTool(nc, 'cancel_appointment', { appointmentId: first?.appointmentId }),
    );
    expect(cancelled.status).toBe('cancelled');
  });
});

describe('create_ticket and get_ticket_status', () => {
  it('opens a ticket with a reference the caller can quote, then reports its status', async () => {
    const context = callFrom(MORGAN);
    const created = await okResult(
      callTool(
        nc,
        'create_ticket',
        { subject: 'Billing question', description: 'Charged twice in May.' },
        context,
      ),
    );
    expect(created).toEqual({
      ref: expect.stringMatching(/^T-1\d{3}$/),
      status: 'open',
      priority: 'normal',
      subject: 'Billing question',
    });
    const [row] = await database.db
      .select()
      .from(tickets)
      .where(eq(tickets.ref, created.ref as string));
    expect(row).toMatchObject({
      callerPhone: MORGAN,
      customerId: expect.any(Number),
      callSid: context.callSid,
    });

    const status = await okResult(callTool(nc, 'get_ticket_status', { ref: created.ref }, callFrom(MORGAN)));
    expect(status).toMatchObject({
      ref: created.ref,
      subject: 'Billing question',
      status: 'open',
      priority: 'normal',
    });
    expect(status.updated).toMatch(SPOKEN_TIME);
    // The number alone, as a caller would say it.
    const spoken = (created.ref as string).slice(2);
    expect(
      await okResult(callTool(nc, 'get_ticket_status', { ref: spoken }, callFrom(MORGAN))),
    ).toMatchObject({
      ref: created.ref,
    });
  });

  it('gives every ticket its own reference under concurrency', async () => {
    const refs = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        okResult(
          callTool(nc, 'create_ticket', {
            subject: `Question ${i}`,
            description: 'Details.',
            priority: 'low',
          }),
        ),
      ),
    );
    expect(new Set(refs.map((r) => r.ref)).size).toBe(10);
  });

  it("shows only the caller's own tickets", async () => {
    expect(await okResult(callTool(nc, 'get_ticket_status', { ref: 'T-1001' }))).toMatchObject({
      ref: 'T-1001',
      status: 'in_progress',
    });
    const other = await errorOf(callTool(nc, 'get_ticket_status', { ref: 'T-1001' }, callFrom(MORGAN)));
    expect(other).toMatchObject({ code: 'not_found' });
    expect(other.message).toContain('T-1001');
  });

  it('refuses what is not a ticket reference or a ticket', async () => {
    expect(await errorOf(callTool(nc, 'get_ticket_status', { ref: 'my last one' }))).toMatchObject({
      code: 'bad_arguments',
    });
    const short = await errorOf(callTool(nc, 'create_ticket', { subject: 'x', description: '' }));
    expect(short.code).toBe('bad_arguments');
    expect(short.message).toMatch(/subject: /);
    expect(short.message).toMatch(/description: /);
  });
});
