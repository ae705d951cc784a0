export {
  linearToMulaw,
  MULAW_BYTES_PER_MS,
  MULAW_SILENCE,
  mulawRms,
  mulawToLinear,
} from '../audio/mulaw.js';
export type { ApiError } from './api-error.js';
export type {
  ClientEvent,
  ClientEventOf,
  ClientEventType,
  FakeSessionConfig,
  FunctionToolConfig,
  ReceivedClientEvent,
  TurnDetectionConfig,
} from './client-events.js';
export { cutTranscript, type FakeItem } from './conversation.js';
export {
  FakeRealtimeServer,
  type FakeRealtimeServerOptions,
  type UpgradeAttempt,
} from './fake-realtime-server.js';
export { FakeRealtimeSession } from './fake-session.js';
export type { ResponseRun } from './response-run.js';
export type {
  FakeRealtimeScript,
  Matcher,
  ReplyTrigger,
  RuleCondition,
  ScriptedCall,
  ScriptReply,
  ScriptRule,
} from './script.js';
export type { FakeRealtimeHooks, SentServerEvent } from './session-host.js';
export { synthesizeSpeech } from './speech.js';
export { generateTestCertificate, type TestCertificate } from './tls.js';
export { VAD_FRAME_MS, VAD_LEVEL_PER_THRESHOLD } from './vad.js';
