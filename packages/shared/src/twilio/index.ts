export {
  type CallControl,
  callControlErrorOf,
  createCallControl,
  createTwilioClient,
  type TwilioClient,
  type TwilioClientOptions,
  twilioErrorCode,
} from './client.js';
export {
  DEFAULT_RATE_LIMIT_RETRY,
  type RateLimitRetry,
  RateLimitRetryingClient,
  rateLimitDelayMs,
} from './rate-limit.js';
export {
  type FormParams,
  formParams,
  requireTwilioSignature,
  type TwilioSignatureCheck,
  twilioSignature,
} from './signature.js';
