export {
  decodeMulaw,
  encodeMulaw,
  linearToMulaw,
  MULAW_BYTES_PER_MS,
  MULAW_SAMPLE_RATE,
  MULAW_SILENCE,
  mulawToLinear,
} from '../audio/mulaw.js';
export { CallerAudio } from './caller-audio.js';
export {
  type CallUpdate,
  FakeTwilioRestApi,
  type FakeTwilioRestApiOptions,
  type RejectedRequest,
} from './fake-rest-api.js';
export { type FrameClock, startFrameClock } from './frame-clock.js';
export {
  type MediaStreamOptions,
  type ReceivedMessage,
  type StreamClose,
  StreamRejectedError,
  TwilioMediaStream,
} from './media-stream.js';
export { FRAME_BYTES, FRAME_MS, mulawSilence, mulawTone } from './mulaw.js';
export { type NetworkStalls, StallingPath } from './network-stalls.js';
export { type AcceptedMessage, checkOutbound, type OutboundVerdict } from './outbound-check.js';
export { type HeardChunk, MAX_BUFFERED_BYTES, PlaybackBuffer } from './playback.js';
export { randomSid } from './sids.js';
export {
  IDEMPOTENCY_TOKEN_HEADER,
  newIdempotencyToken,
  postSignedForm,
  reachableUrl,
  type SignedPostResult,
  signTwilioRequest,
  TWILIO_SIGNATURE_HEADER,
} from './signing.js';
export {
  type CallEnd,
  type PlaceCallOptions,
  placeCall,
  type RestTakeover,
  SimulatedCall,
  type SimulatedCallEndReason,
} from './simulator.js';
export { type AgentTurnOptions, callerSays, waitForAgentTurn } from './turn-taking.js';
export {
  type ConnectStream,
  findConnectStream,
  parseTwiml,
  spokenTexts,
  type TwimlElement,
} from './twiml-reader.js';
export type { WaitOptions } from './wait.js';
export { mulawWav, readWavAsMulaw, writeWav } from './wav.js';
export type { WebhookAttempt, WebhookRetry } from './webhook-delivery.js';
