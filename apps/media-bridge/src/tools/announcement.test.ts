import { describe, expect, it } from 'vitest';
import { AnnouncementWatch } from './announcement.js';

function watch() {
  let idle = true;
  const announced: string[] = [];
  const w = new AnnouncementWatch({ playbackIdle: () => idle, announced: (id) => announced.push(id) });
  return {
    w,
    announced,
    setIdle(value: boolean) {
      idle = value;
    },
  };
}

describe('AnnouncementWatch: the hand-off line is over only once the caller has heard it', () => {
  it('waits for the response after the tool answer to be done and every mark echoed', () => {
    const { w, announced, setIdle } = watch();
    // The tool was called inside response 1; its end is not the hand-off line.
    w.expect('esc-1');
    w.onResponseDone('resp_1');
    w.onResponseCreated('resp_2');
    setIdle(false);
    w.onResponseDone('resp_2');
    expect(announced).toEqual([]);
    w.onPlayback();
    expect(announced).toEqual([]);
    setIdle(true);
    w.onPlayback();
    expect(announced).toEqual(['esc-1']);
    w.onPlayback();
    expect(announced).toEqual(['esc-1']);
  });

  it('says so at once when the line is done and nothing is left to play', () => {
    const { w, announced } = watch();
    w.expect('esc-2');
    w.onResponseCreated('resp_3');
    w.onResponseDone('resp_3');
    expect(announced).toEqual(['esc-2']);
  });

  it('ignores playback and other responses before the line, and stops on close', () => {
    const { w, announced } = watch();
    w.onPlayback();
    w.onResponseCreated('resp_4');
    w.onResponseDone('resp_4');
    w.expect('esc-3');
    w.onResponseCreated('resp_5');
    w.close();
    w.onResponseDone('resp_5');
    w.onPlayback();
    expect(announced).toEqual([]);
  });
});
