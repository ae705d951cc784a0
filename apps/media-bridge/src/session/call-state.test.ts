import { describe, expect, it } from 'vitest';
import { CallState } from './call-state.js';
import { endReasonForStop, SESSION_END_REASONS } from './end-reasons.js';
import { PlaybackTracker } from './playback-tracker.js';
import { ResponseGate } from './response-gate.js';

/** A call state whose log lines the test can read. */
function callState(now = () => 0) {
  const logged: Array<{ level: string; fields: object; message: string }> = [];
  const logger = {
    warn: (fields: object, message: string) => logged.push({ level: 'warn', fields, message }),
    debug: (fields: object, message: string) => logged.push({ level: 'debug', fields, message }),
  };
  return { state: new CallState(logger, now), logged };
}

describe('CallState lifecycle', () => {
  it('moves prewarming → started → greeted → ended, and ends once', () => {
    const { state, logged } = callState();
    expect(state.phase).toBe('prewarming');
    expect(state.streamStarted()).toBe(true);
    expect(state.greet()).toBe(true);
    expect(state.end('stop_caller_hangup')).toBe(true);
    expect(state.end('hangup_unconfirmed')).toBe(false);
    expect(state).toMatchObject({ phase: 'ended', ended: true, endReason: 'stop_caller_hangup' });
    expect(logged).toEqual([
      {
        level: 'debug',
        fields: { reason: 'hangup_unconfirmed', endedFor: 'stop_caller_hangup' },
        message: 'call already ended',
      },
    ]);
  });

  it('ignores and logs a transition out of order', () => {
    const { state, logged } = callState();
    expect(state.greet()).toBe(false);
    expect(state.phase).toBe('prewarming');
    state.streamStarted();
    expect(state.streamStarted()).toBe(false);
    state.end('bridge_draining');
    expect(state.greet()).toBe(false);
    expect(state.phase).toBe('ended');
    expect(logged.map((l) => [l.level, l.fields])).toEqual([
      ['warn', { phase: 'prewarming', to: 'greeted' }],
      ['warn', { phase: 'started', to: 'started' }],
      ['warn', { phase: 'ended', to: 'greeted' }],
    ]);
  });

  it('hands back once, and never an ended call', () => {
    const { state } = callState();
    expect(state.beginHandBack()).toBe(true);
    expect(state.beginHandBack()).toBe(false);
    expect(state.handingBack).toBe(true);
    const ended = callState().state;
    ended.end('stream_start_timeout');
    expect(ended.beginHandBack()).toBe(false);
  });

  it('keeps the first failure until the stream starts', () => {
    const { state } = callState();
    state.deferFailure({ reason: 'model_unreachable' });
    state.deferFailure({ reason: 'model_lost' });
    expect(state.pendingFailure).toEqual({ reason: 'model_unreachable' });
  });
});

describe('CallState derived facts', () => {
  it('is quiet only when nobody speaks and nothing is pending', () => {
    const { state } = callState();
    expect(state.quiet).toBe(true);
    const reports: Array<[string, () => void, () => void]> = [
      ['caller', () => state.callerStartedSpeaking(), () => state.callerStoppedSpeaking()],
      ['response', () => state.reportResponseInFlight(true), () => state.reportResponseInFlight(false)],
      ['playback', () => state.reportAgentPlaying(true), () => state.reportAgentPlaying(false)],
      ['tools', () => state.reportToolsBusy(true), () => state.reportToolsBusy(false)],
    ];
    for (const [fact, on, off] of reports) {
      on();
      expect({ fact, quiet: state.quiet }).toEqual({ fact, quiet: false });
      off();
      expect({ fact, quiet: state.quiet }).toEqual({ fact, quiet: true });
    }
    state.reportEndRequested();
    expect(state.quiet).toBe(false);
  });

  it('the agent is silent when nothing is asked for nor waiting to play', () => {
    const { state } = callState();
    state.reportResponseInFlight(true);
    expect(state.agentSilent).toBe(false);
    state.reportResponseInFlight(false);
    state.reportAgentPlaying(true);
    expect([state.agentSilent, state.agentPlaying]).toEqual([false, true]);
    state.reportAgentPlaying(false);
    expect(state.agentSilent).toBe(true);
  });

  it('the caller awaits an answer from speaking until a response starts', () => {
    const { state } = callState();
    state.callerStartedSpeaking();
    state.callerStoppedSpeaking();
    expect([state.callerSpeaking, state.callerAwaitsAnswer]).toEqual([false, true]);
    state.responseStarted();
    expect(state.callerAwaitsAnswer).toBe(false);
  });

  it('gives the moment the caller stopped speaking once per turn', () => {
    let clock = 1_000;
    const { state } = callState(() => clock);
    state.callerStartedSpeaking();
    expect(state.takeCallerStoppedAt()).toBeUndefined();
    clock = 1_500;
    state.callerStoppedSpeaking();
    expect(state.takeCallerStoppedAt()).toBe(1_500);
    expect(state.takeCallerStoppedAt()).toBeUndefined();
    state.callerStoppedSpeaking();
    state.callerStartedSpeaking();
    expect(state.takeCallerStoppedAt()).toBeUndefined();
  });

  it('a replaced model session forgets that the caller was speaking and counts itself', () => {
    const { state } = callState();
    state.callerStartedSpeaking();
    expect(state.modelReplaced()).toBe(1);
    expect(state.modelReplaced()).toBe(2);
    expect([state.callerSpeaking, state.callerAwaitsAnswer, state.replacements]).toEqual([false, true, 2]);
  });
});

describe('facts reported by the mechanisms that own them', () => {
  it('the response gate reports each request in flight until it is done', () => {
    const { state } = callState();
    const gate = new ResponseGate(() => true, {
      reportInFlight: (inFlight) => state.reportResponseInFlight(inFlight),
    });
    gate.request({ metadata: { purpose: 'greeting' } });
    expect(state.quiet).toBe(false);
    gate.onCreated(true);
    gate.onDone();
    expect(state.quiet).toBe(true);
  });

  it('the playback tracker reports audio waiting to play until its mark comes back or it is cleared', () => {
    const { state } = callState();
    const tracker = new PlaybackTracker({ now: () => 0, reportPlaying: (p) => state.reportAgentPlaying(p) });
    const mark = tracker.chunkSent('item_1', 300, 1);
    expect(state.agentPlaying).toBe(true);
    tracker.acknowledge(mark?.name ?? '');
    expect(state.agentPlaying).toBe(false);
    tracker.chunkSent('item_1', 100, 1);
    expect(state.agentPlaying).toBe(true);
    tracker.clear();
    expect(state.agentPlaying).toBe(false);
  });
});

describe('session end reasons', () => {
  it('maps every gateway stop through the table, to the values logs always carried', () => {
    expect(endReasonForStop('caller_hangup')).toBe('stop_caller_hangup');
    expect(endReasonForStop('claim_superseded')).toBe('stop_claim_superseded');
    expect(SESSION_END_REASONS).toEqual(
      expect.arrayContaining([
        'stop_caller_hangup',
        'stop_stream_closed',
        'stop_call_ended',
        'stop_transferred',
        'stop_claim_superseded',
        'invalid_profile',
        'session_config_rejected',
        'model_unreachable',
        'model_lost',
        'stream_start_timeout',
        'hangup_unconfirmed',
        'bridge_draining',
        'hand_back_failed',
        'claim_superseded',
      ]),
    );
    expect(new Set(SESSION_END_REASONS).size).toBe(SESSION_END_REASONS.length);
  });
});
