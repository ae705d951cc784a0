import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import {
  createDatabase,
  DEMO_AGENT_NUMBER,
  DEMO_CALLER_NUMBER,
  migrateDatabase,
  seedDemoData,
} from '@voice/shared/db';
import { FakeRealtimeServer } from '@voice/testkit/openai';
import { LogFiles } from '@voice/testkit/process';
import { startSystem, TEST_SECRETS } from '@voice/testkit/system';
import { callerSays, FakeTwilioRestApi, placeCall, randomSid, waitForAgentTurn } from '@voice/testkit/twilio';
import { CALLER_LINES, clinicScript } from './clinic-script.js';
import { printConversation } from './conversation-printer.js';
import { bringUpInfra } from './infra.js';
import { summariseRecord, waitForRecord } from './record.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const outputDir = join(repoRoot, 'demo-output');
const audioDir = join(repoRoot, 'demo', 'audio');
const CALL_TIMEOUT_MS = 120_000;

const say = (line = '') => console.log(line);

async function main(): Promise<void> {
  const realModel = Boolean(process.env.OPENAI_API_KEY);
  say('Voice agent platform demo: one phone call through every service.');
  say(
    realModel
      ? 'OPENAI_API_KEY is set: the agent is the real OpenAI Realtime model.'
      : 'OPENAI_API_KEY is not set: the agent is the local fake OpenAI Realtime server (scripted replies).',
  );
  say('Twilio is simulated: a signed caller simulator and a fake REST API stand in for it.');
  say();

  const infra = await bringUpInfra(process.env);
  for (const line of infra.description) say(`  ${line}`);
  const cleanup: Array<() => Promise<unknown>> = [() => infra.stop()];
  try {
    await migrateDatabase(infra.databaseUrl);
    const seeding = createDatabase({ url: infra.databaseUrl, max: 2 });
    await seedDemoData(seeding.db).finally(() => seeding.close());
    say(`  database migrated and seeded: agent "Riley" of Maple Street Dental answers ${DEMO_AGENT_NUMBER}`);

    const fakeModel = realModel
      ? undefined
      : await FakeRealtimeServer.start({
          script: clinicScript(),
          apiKey: TEST_SECRETS.openaiApiKey,
          audioPace: 2,
        });
    if (fakeModel) cleanup.unshift(() => fakeModel.stop());
    const twilioRest = await new FakeTwilioRestApi({
      accountSid: TEST_SECRETS.twilioAccountSid,
      authToken: TEST_SECRETS.twilioAuthToken,
    }).start();
    cleanup.unshift(() => twilioRest.stop());

    await mkdir(outputDir, { recursive: true });
    const logs = new LogFiles(join(outputDir, 'logs'));
    const openaiBaseUrl = fakeModel?.baseURL ?? process.env.OPENAI_BASE_URL;
    const system = await startSystem({
      repoRoot,
      natsUrl: infra.natsUrl,
      databaseUrl: infra.databaseUrl,
      twilioApiBaseUrl: twilioRest.baseUrl,
      ...(openaiBaseUrl ? { openaiBaseUrl } : {}),
      ...(fakeModel ? { openaiCaFile: await fakeModel.writeCaFile() } : {}),
      secrets: realModel ? { openaiApiKey: process.env.OPENAI_API_KEY as string } : {},
      onLine: (app, line) => logs.write(app, line),
    });
    cleanup.unshift(
      () => logs.close(),
      () => system.stop(),
    );
    say(`  services up: ${system.apps.map((a) => `${a.instance} :${a.port}`).join(', ')}`);
    say(`  service logs: ${relative(process.cwd(), logs.directory)}/`);
    say();

    const nc = await connect({ servers: infra.natsUrl });
    cleanup.unshift(() => nc.close());
    const callSid = randomSid('CA');
    const printer = printConversation(nc, callSid, say);
    cleanup.unshift(async () => printer.stop());

    const call = await placeCall({
      gatewayUrl: system.gatewayUrl,
      publicBaseUrl: system.gatewayUrl,
      accountSid: TEST_SECRETS.twilioAccountSid,
      authToken: TEST_SECRETS.twilioAuthToken,
      from: DEMO_CALLER_NUMBER,
      to: DEMO_AGENT_NUMBER,
      callSid,
      restApi: twilioRest,
    });
    const deadline = setTimeout(() => void call.hangup(), CALL_TIMEOUT_MS);
    for (let i = 0; i < CALLER_LINES.length && !call.isEnded; i++) {
      await waitForAgentTurn(call);
      if (call.isEnded) break;
      await callerSays(call, join(audioDir, `caller-${i + 1}.wav`));
    }
    const end = await call.ended;
    clearTimeout(deadline);

    const record = await waitForRecord(system.recorderUrl, TEST_SECRETS.callsApiToken, callSid);
    const wavPath = join(outputDir, `${callSid}-heard-by-caller.wav`);
    const recordPath = join(outputDir, `${callSid}.json`);
    call.saveHeardWav(wavPath);
    await writeFile(recordPath, `${JSON.stringify(record, null, 2)}\n`);

    say();
    say(`The call ended (${end.reason}). ${summariseRecord(record)}`);
    say(`What the caller heard: ${relative(process.cwd(), wavPath)}`);
    say(`The call's record:    ${relative(process.cwd(), recordPath)}`);
    say(`  (served by the Calls API: GET ${system.recorderUrl}/calls/${callSid})`);
    if (end.reason !== 'rest_completed')
      throw new Error(`the agent did not end the call (it ended: ${end.reason})`);
  } finally {
    for (const step of cleanup) await step().catch((error: unknown) => console.error('cleanup:', error));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
