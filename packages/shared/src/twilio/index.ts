export {
  type CallControl,
  createCallControl,
  createTwilioClient,
  type TwilioClient,
  type TwilioClientOptions,
} from './client.js';
export {
  DEFAULT_RATE_LIMIT_RETRY,
  type RateLimitRetry,
  RateLimitRetryingClient,
  rateLimitDelayMs,
} from './rate-limit.js';
export { isValidTwilioSignature, twilioSignature } from './signature.js';
