import { describe, expect, it } from 'vitest';
import { EndCallController } from './end-call.js';

describe('EndCallController', () => {
  it('hangs up after the following response is done and its audio has played', () => {
    let idle = false;
    let hungUp = 0;
    const controller = new EndCallController({
      playbackIdle: () => idle,
      hangUp: () => hungUp++,
      reportRequested: () => {},
    });
    controller.request();
    controller.onResponseDone('resp_0');
    controller.onResponseCreated('resp_1');
    controller.onPlayback();
    controller.onResponseDone('resp_1');
    expect(hungUp).toBe(0);
    idle = true;
    controller.onPlayback();
    controller.onPlayback();
    expect(hungUp).toBe(1);
    controller.close();
  });

  it('hangs up at once when nothing is left to play, and anyway after the wait limit', async () => {
    let hungUp = 0;
    const quick = new EndCallController({
      playbackIdle: () => true,
      hangUp: () => hungUp++,
      reportRequested: () => {},
    });
    quick.request();
    quick.onResponseCreated('resp_1');
    quick.onResponseDone('resp_1');
    expect(hungUp).toBe(1);

    const stuck = new EndCallController({
      playbackIdle: () => false,
      hangUp: () => hungUp++,
      reportRequested: () => {},
      maxWaitMs: 20,
    });
    stuck.request();
    await expect.poll(() => hungUp).toBe(2);
  });
});
