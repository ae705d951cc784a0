export {
  type CallControl,
  createCallControl,
  createTwilioClient,
  type TwilioClient,
  type TwilioClientOptions,
} from './client.js';
export { isValidTwilioSignature, twilioSignature } from './signature.js';
