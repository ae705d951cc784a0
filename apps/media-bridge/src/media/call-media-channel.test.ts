import { mediaSubjects } from '@voice/shared/contracts';
import { createLogger } from '@voice/shared/logging';
import type { NatsConnection, TurnPublisher } from '@voice/shared/nats';
import { describe, expect, it } from 'vitest';
import { openCallMediaChannel } from './call-media-channel.js';

const subjects = mediaSubjects('CA00000000000000000000000000000001', 'claim-1');

function channel() {
  const sent: Array<{ subject: string; body: string }> = [];
  const steps: string[] = [];
  const publisher: TurnPublisher = {
    publish: (subject, data) =>
      sent.push({ subject, body: typeof data === 'string' ? data : new TextDecoder().decode(data) }) > 0,
    flush: () => {
      steps.push('flush');
    },
  };
  const nc = {
    subscribe: () => ({ unsubscribe: () => steps.push('unsubscribe') }),
  } as unknown as NatsConnection;
  const media = openCallMediaChannel(
    nc,
    publisher,
    subjects,
    { onAudio: () => undefined, onControl: () => undefined },
    createLogger({ service: 'test', level: 'silent' }),
  );
  const heartbeats = () =>
    sent.filter((m) => m.subject === subjects.outControl && m.body.includes('heartbeat'));
  return { media, sent, heartbeats, steps };
}

describe('closing the media channel', () => {
  it('hands what it queued to NATS before it unsubscribes', () => {
    const { media, steps } = channel();
    media.sendControl({ type: 'release', reason: 'draining' });
    media.close();
    expect(steps).toEqual(['flush', 'unsubscribe']);
  });
});

describe('the media channel heartbeat', () => {
  it('is sent on a quiet call at every beat', () => {
    const { media, heartbeats } = channel();
    media.heartbeat();
    media.heartbeat();
    expect(heartbeats()).toHaveLength(2);
  });

  it('is left out while audio or a control went out since the last beat', () => {
    const { media, sent, heartbeats } = channel();
    media.sendAudio('AAAA');
    media.heartbeat();
    media.sendControl({ type: 'mark', name: 'm1' });
    media.heartbeat();
    expect(heartbeats()).toHaveLength(0);
    // The talking stopped: the next beat is sent.
    media.heartbeat();
    expect(heartbeats()).toHaveLength(1);
    expect(sent.map((m) => m.subject)).toEqual([subjects.outAudio, subjects.outControl, subjects.outControl]);
  });
});
