/**
 * The simulated callers' process (forked by the orchestrator): a fake Twilio REST API and the
 * caller fleet, driven over IPC one level at a time.
 */

import { TEST_SECRETS } from '@voice/testkit/system';
import { FakeTwilioRestApi } from '@voice/testkit/twilio';
import { FramePacer } from '../traffic/frame-pacer.js';
import { CallerFleet } from './caller-fleet.js';
import { type CallersCommand, callersCommandSchema } from './ipc.js';
import { serveParent } from './rpc.js';

const EXIT_DELAY_MS = 50;

const restApi = await new FakeTwilioRestApi({
  accountSid: TEST_SECRETS.twilioAccountSid,
  authToken: TEST_SECRETS.twilioAuthToken,
}).start();
// Every simulated call follows the REST API's updates: hundreds of listeners are expected.
restApi.setMaxListeners(0);
const fleet = new CallerFleet(restApi, FramePacer.install());

async function handle(command: CallersCommand): Promise<unknown> {
  switch (command.type) {
    case 'run-level':
      return fleet.runLevel(command.target, command.schedule, command.keyBase, command.traffic);
    case 'stop':
      await restApi.stop();
      setTimeout(() => process.exit(0), EXIT_DELAY_MS);
      return null;
  }
}

serveParent(callersCommandSchema, handle, { restApiUrl: restApi.baseUrl });
