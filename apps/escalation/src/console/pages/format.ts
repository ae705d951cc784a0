import { maskPhone } from '@voice/shared/logging';
import { html, type SafeHtml } from '../html.js';

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** `42 s`, `3 min`, `2 h`, `4 d`. */
export function formatAge(since: Date, now: Date): string {
  const ms = Math.max(0, now.getTime() - since.getTime());
  if (ms < MINUTE_MS) return `${Math.floor(ms / SECOND_MS)} s`;
  if (ms < HOUR_MS) return `${Math.floor(ms / MINUTE_MS)} min`;
  if (ms < DAY_MS) return `${Math.floor(ms / HOUR_MS)} h`;
  return `${Math.floor(ms / DAY_MS)} d`;
}

export function age(since: Date, now: Date): SafeHtml {
  return html`<time datetime="${since.toISOString()}" title="${since.toISOString()}">${formatAge(since, now)}</time>`;
}

/** The console shows callers masked like the logs do: a human sees enough to recognise a call back. */
export function maskedCaller(caller: string): string {
  return maskPhone(caller);
}

/** `callback_scheduled` → `callback scheduled`. */
export function label(value: string): string {
  return value.replaceAll('_', ' ');
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

export function escalationPath(id: string, action?: 'accept' | 'resolve' | 'fragment'): string {
  return `/console/escalations/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;
}
