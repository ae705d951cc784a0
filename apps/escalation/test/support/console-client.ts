import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** A signed-in console, driven through `http.inject` as a browser would (cookie + CSRF token from the page). */
export interface ConsoleClient {
  cookie: string;
  csrf: string;
  get(path: string): Promise<LightMyRequestResponse>;
  post(path: string, fields: Record<string, string>): Promise<LightMyRequestResponse>;
}

export async function signIn(http: FastifyInstance, token: string): Promise<ConsoleClient> {
  const login = await http.inject({
    method: 'POST',
    url: '/console/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ token }).toString(),
  });
  if (login.statusCode !== 303) throw new Error(`sign-in failed with ${login.statusCode}`);
  const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
  const get = (path: string) =>
    http.inject({ method: 'GET', url: path, headers: { cookie, accept: 'text/html' } });
  const page = await get('/console');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (!csrf) throw new Error('the console page carries no CSRF token');
  return {
    cookie,
    csrf,
    get,
    post: (path, fields) =>
      http.inject({
        method: 'POST',
        url: path,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
      }),
  };
}
