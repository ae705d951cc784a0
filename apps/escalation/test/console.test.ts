import { beforeAll, describe, expect, it } from 'vitest';
import { signIn } from './support/console-client.js';
import {
  createQueueFixture,
  escalationRequest,
  type QueueFixture,
  storedEscalation,
  storedHuman,
} from './support/fixtures.js';
import { useEscalationSuite } from './support/suite.js';

describe('human agents console over HTTP (real NATS and Postgres)', () => {
  const { h } = useEscalationSuite();
  let desk: QueueFixture;
  let otherDesk: QueueFixture;

  beforeAll(async () => {
    desk = await createQueueFixture(h.db, {
      fallback: 'callback',
      humans: [
        { name: 'Alex Romero', available: false },
        { name: 'Sam Okafor', available: false },
      ],
    });
    otherDesk = await createQueueFixture(h.db, { fallback: 'callback', humans: [{ name: 'Other Desk' }] });
  });

  const login = (token: string) =>
    h.http.inject({
      method: 'POST',
      url: '/console/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token }).toString(),
    });

  it('answers a wrong or missing token with 401 and the form again', async () => {
    for (const response of [
      await login('not-a-token'),
      await login(''),
      await h.http.inject({ method: 'POST', url: '/console/login' }),
    ]) {
      expect(response.statusCode).toBe(401);
      expect(response.body).toContain('<form method="post" action="/console/login">');
      expect(response.headers['set-cookie']).toBeUndefined();
    }
  });

  it('signs in with the right token: an HttpOnly, SameSite=Strict, Secure (https) cookie and the queue page', async () => {
    const response = await login(desk.humans[0]?.token ?? '');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/console');
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(
      /^escalation_console=[^;]+; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=3600; Secure$/,
    );

    const page = await h.http.inject({
      method: 'GET',
      url: '/console',
      headers: { cookie: cookie.split(';')[0] },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Alex Romero');
    expect(page.body).toContain('id="queue"');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['cache-control']).toBe('no-store');

    const script = await h.http.inject({ method: 'GET', url: '/console/assets/console.js' });
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.headers['cache-control']).toBe('max-age=300');
    expect(script.body).toContain("new EventSource('/console/events')");
  });

  it('answers every console call without a session with 401', async () => {
    const page = await h.http.inject({ method: 'GET', url: '/console' });
    expect(page.statusCode).toBe(401);
    expect(page.body).toContain('action="/console/login"');
    for (const [method, url] of [
      ['GET', '/console/fragment'],
      ['GET', '/console/events'],
      ['GET', '/console/escalations/x/fragment'],
      ['POST', '/console/availability'],
      ['POST', '/console/escalations/x/accept'],
      ['POST', '/console/escalations/x/resolve'],
    ] as const) {
      const response = await h.http.inject({
        method,
        url,
        headers: { cookie: 'escalation_console=forged.value' },
      });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
    }
  });

  it('refuses form posts without the session CSRF token', async () => {
    const alex = await signIn(h.http, desk.humans[0]?.token ?? '');
    const sam = await signIn(h.http, desk.humans[1]?.token ?? '');
    const missing = await h.http.inject({
      method: 'POST',
      url: '/console/availability',
      headers: { cookie: alex.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'available=on',
    });
    expect(missing.statusCode).toBe(403);
    const foreign = await h.http.inject({
      method: 'POST',
      url: '/console/availability',
      headers: { cookie: alex.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: sam.csrf, available: 'on' }).toString(),
    });
    expect(foreign.statusCode).toBe(403);
    const stored = await storedHuman(h.db, desk.humans[0]?.id);
    expect(stored?.available).toBe(false);
  });

  it('escapes every value it shows and masks the caller', async () => {
    const request = escalationRequest(desk.agentId, {
      reason: '<img src=x onerror=alert(1)>',
      summary: '<script>alert("summary")</script>',
      caller: '+15550123456',
      transcript: [{ role: 'caller', text: '</li><script>bad()</script>', at: new Date().toISOString() }],
    });
    await h.publish(request);
    await h.statuses.waitFor(request.escalationId, 'callback_scheduled');
    const alex = await signIn(h.http, desk.humans[0]?.token ?? '');

    const page = await alex.get('/console');
    expect(page.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page.body).toContain('&lt;script&gt;alert(&quot;summary&quot;)&lt;/script&gt;');
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).toContain('+1******3456');
    expect(page.body).not.toContain('+15550123456');

    const detail = await alex.get(`/console/escalations/${encodeURIComponent(request.escalationId)}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain('&lt;/li&gt;&lt;script&gt;bad()&lt;/script&gt;');
    expect(detail.body).not.toContain('<script>bad');
  });

  it('takes a call-back and resolves it, freeing the human and publishing resolved', async () => {
    const request = escalationRequest(desk.agentId);
    await h.publish(request);
    await h.statuses.waitFor(request.escalationId, 'callback_scheduled');
    const sam = await signIn(h.http, desk.humans[1]?.token ?? '');
    const path = `/console/escalations/${encodeURIComponent(request.escalationId)}`;

    const accepted = await sam.post(`${path}/accept`, { return_to: path });
    expect(accepted.statusCode).toBe(303);
    expect(accepted.headers.location).toBe(`${path}?notice=accepted`);
    const busy = await storedHuman(h.db, desk.humans[1]?.id);
    expect(busy?.currentEscalationId).toBe(request.escalationId);

    const alex = await signIn(h.http, desk.humans[0]?.token ?? '');
    const taken = await alex.post(`${path}/accept`, { return_to: path });
    expect(taken.headers.location).toBe(`${path}?notice=taken`);
    const notYours = await alex.post(`${path}/resolve`, { return_to: path });
    expect(notYours.headers.location).toBe(`${path}?notice=not_allowed`);

    const resolved = await sam.post(`${path}/resolve`, { return_to: 'https://evil.example/' });
    expect(resolved.headers.location).toBe('/console?notice=resolved');
    const status = await h.statuses.waitFor(request.escalationId, 'resolved');
    expect(status.humanAgentId).toBe(desk.humans[1]?.id);
    const row = await storedEscalation(h.db, request.escalationId);
    expect(row?.status).toBe('resolved');
    expect(row?.resolvedAt).toBeInstanceOf(Date);
    const free = await storedHuman(h.db, desk.humans[1]?.id);
    expect(free?.currentEscalationId).toBeNull();
  });

  it("does not show or act on another queue's escalations", async () => {
    const request = escalationRequest(otherDesk.agentId);
    await h.publish(request);
    await h.statuses.waitFor(request.escalationId, 'dialing');
    const alex = await signIn(h.http, desk.humans[0]?.token ?? '');
    const path = `/console/escalations/${encodeURIComponent(request.escalationId)}`;
    expect((await alex.get(path)).statusCode).toBe(404);
    expect((await alex.get('/console')).body).not.toContain(request.escalationId);
    expect((await alex.post(`${path}/resolve`, {})).headers.location).toBe('/console?notice=not_found');
  });
});
