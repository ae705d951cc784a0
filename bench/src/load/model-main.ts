/**
 * The fake model's process (forked by the orchestrator): the testkit's fake OpenAI Realtime
 * server with the benchmark's instruments, driven over IPC one level at a time.
 */
import { FakeRealtimeServer, type FakeRealtimeServerOptions } from '@voice/testkit/openai';
import { TEST_SECRETS } from '@voice/testkit/system';
import { benchScript } from './bench-script.js';
import { type ModelCommand, modelCommandSchema } from './ipc.js';
import { ModelObserver } from './model-observer.js';
import { serveParent } from './rpc.js';

/** 20 ms deltas at real-time pace, like Twilio's frames. */
const AUDIO_CHUNK_MS = 20;
/**
 * The real API produces audio ahead of playback; this much of it queues at the caller's end, so
 * there is always unplayed audio (outstanding marks) for a barge-in to clear.
 */
const AUDIO_LEAD_MS = 200;
/**
 * Long enough that the greeting (83 characters) outlasts any level at real-time pace: about
 * 2.5 minutes. A faster model gets a line as many times longer, so it also streams all level long.
 */
const SPEECH_MS_PER_CHAR = 1_800;
const EXIT_DELAY_MS = 50;

const observer = new ModelObserver();
/** Kept: the fake reads its pacing from these options at every response, so a level can change the speed. */
const options: FakeRealtimeServerOptions = {
  script: benchScript(),
  apiKey: TEST_SECRETS.openaiApiKey,
  audioPace: 1,
  audioChunkMs: AUDIO_CHUNK_MS,
  audioLeadMs: AUDIO_LEAD_MS,
  speechMsPerChar: SPEECH_MS_PER_CHAR,
  ...observer.hooks,
};
const fake = await FakeRealtimeServer.start(options);
const caFile = await fake.writeCaFile();

async function handle(command: ModelCommand): Promise<unknown> {
  switch (command.type) {
    case 'arm':
      options.audioPace = command.modelSpeed;
      options.speechMsPerChar = SPEECH_MS_PER_CHAR * command.modelSpeed;
      observer.arm(command.window);
      return null;
    case 'collect':
      return observer.report(fake.liveSessions.length);
    case 'status':
      return { liveSessions: fake.liveSessions.length };
    case 'stop':
      await fake.stop();
      setTimeout(() => process.exit(0), EXIT_DELAY_MS);
      return null;
  }
}

serveParent(modelCommandSchema, handle, { baseURL: fake.baseURL, caFile, apiKey: fake.apiKey });
