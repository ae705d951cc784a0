export { type BackoffAttempt, type BackoffPolicy, backoffDelay } from './backoff.js';
