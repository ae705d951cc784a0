import { mulawBase64DurationMs } from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import type { CallEvents } from '../events/call-events.js';
import type { CallMediaChannel } from '../media/call-media-channel.js';
import type { BridgeMetrics } from '../metrics.js';
import type { AudioDelta } from '../model/audio-delta.js';
import type { RealtimeClientEvent } from '../model/transport.js';
import { type InterruptedItem, planBargeIn } from './barge-in.js';
import type { CallState } from './call-state.js';
import type { MarkInfo, PlaybackTracker } from './playback-tracker.js';
import type { ResponseGate } from './response-gate.js';
import { type AgentTurn, heardText, type Transcript } from './transcript.js';

export interface AgentSpeechDeps {
  media: Pick<CallMediaChannel, 'sendAudio' | 'sendControl'>;
  tracker: PlaybackTracker;
  /** Where the caller's turn ended (the start of the turn latency). */
  state: Pick<CallState, 'takeCallerStoppedAt'>;
  transcript: Transcript;
  gate: ResponseGate;
  events: CallEvents;
  metrics: BridgeMetrics;
  logger: Logger;
  /** Sends to the live model session. */
  send(event: RealtimeClientEvent): boolean;
  /** The live model session's generation (items of older ones cannot be truncated). */
  generation(): number;
  /** The caller's speech interrupts the agent (the profile's `interrupt_response`). */
  serverInterrupts(): boolean;
  /** When the claim was requested (epoch ms): the start of the set-up latency. */
  claimRequestedAt: number;
  /** Playback moved on (a mark was acknowledged or audio cleared). */
  onPlayback(): void;
}

/**
 * The agent's voice on the call: forwards audio deltas to the gateway with a mark every
 * `MARK_INTERVAL_MS` of audio and at the end of each response, learns from mark echoes and
 * play-out time what the caller heard, reacts to barge-in (clear first, then
 * truncate what carries audio at the heard position), and publishes each agent turn as
 * heard once its fate is known. Measures set-up, turn and barge-in latency.
 */
export class AgentSpeech {
  /** Responses the caller interrupted: their remaining audio is never forwarded. */
  private readonly silenced = new Set<string>();
  private readonly respondingItems = new Map<string, Set<string>>();
  private activeResponseId: string | undefined;
  private greetingResponseId: string | undefined;
  private setupMeasured = false;
  private bargeIns = 0;

  constructor(private readonly deps: AgentSpeechDeps) {}

  onResponseCreated(responseId: string, purpose: string | undefined): void {
    this.activeResponseId = responseId;
    if (purpose === 'greeting' && !this.setupMeasured) this.greetingResponseId = responseId;
  }

  onItemAdded(responseId: string, itemId: string): void {
    let items = this.respondingItems.get(responseId);
    if (!items) {
      items = new Set();
      this.respondingItems.set(responseId, items);
    }
    items.add(itemId);
    this.deps.transcript.agent(itemId);
  }

  /** One chunk of agent audio: forwarded as it came, followed by a mark when one is due. */
  onAudioDelta({ responseId, itemId, audio }: AudioDelta): void {
    const durationMs = mulawBase64DurationMs(audio);
    const turn = this.deps.transcript.agent(itemId);
    turn.generatedMs += durationMs;
    if (this.silenced.has(responseId) || turn.interrupted) return;
    this.deps.media.sendAudio(audio);
    this.sendMark(this.deps.tracker.chunkSent(itemId, durationMs, this.deps.generation()));
    this.measureFirstAudio(responseId, itemId);
  }

  onTranscriptDelta(itemId: string, delta: string): void {
    const turn = this.deps.transcript.agent(itemId);
    if (!turn.textDone) turn.text += delta;
  }

  onTranscriptDone(itemId: string, transcript: string): void {
    const turn = this.deps.transcript.agent(itemId);
    turn.text = transcript;
    turn.textDone = true;
    this.maybePublish(turn);
  }

  onResponseDone(responseId: string): void {
    // The end of the answer's audio: its last words get a mark of their own.
    this.sendMark(this.deps.tracker.flush());
    if (this.activeResponseId === responseId) this.activeResponseId = undefined;
    for (const itemId of this.respondingItems.get(responseId) ?? []) {
      const turn = this.deps.transcript.findAgent(itemId);
      if (turn?.interrupted && !turn.textDone) {
        turn.textDone = true;
        this.maybePublish(turn);
      }
    }
    this.respondingItems.delete(responseId);
  }

  onMark(name: string): void {
    if (!this.deps.tracker.acknowledge(name)) return;
    for (const turn of this.deps.transcript.unpublishedAgentTurns()) this.maybePublish(turn);
    this.deps.onPlayback();
  }

  onSpeechStarted(): void {
    // A profile without interruptions keeps the agent talking over noise: the server goes on
    // with the response, and the caller must hear all of it too.
    if (this.deps.serverInterrupts()) this.bargeIn();
  }

  /**
   * The model session was replaced: a response of the old one will never finish. Returns
   * whether one was cut off before any of its audio reached the caller (it should be redone).
   */
  onSessionReplaced(): boolean {
    const lost = this.activeResponseId;
    if (!lost) return false;
    const items = [...(this.respondingItems.get(lost) ?? [])];
    const silent = items.every((itemId) => (this.deps.tracker.item(itemId)?.forwardedMs ?? 0) === 0);
    this.onResponseDone(lost);
    return silent && !this.silenced.has(lost);
  }

  /** The call ended: every agent turn not published yet is published with what was heard. */
  finish(): void {
    for (const turn of this.deps.transcript.unpublishedAgentTurns()) {
      const playback = this.deps.tracker.item(turn.itemId);
      const heardMs = playback?.heardMs ?? 0;
      if (heardMs < turn.generatedMs) {
        turn.interrupted = true;
        turn.heardMs = heardMs;
      }
      this.publish(turn);
    }
  }

  private bargeIn(): void {
    const started = performance.now();
    const tracker = this.deps.tracker;
    const unplayed = tracker.unplayed();
    const responding = this.activeResponseId
      ? [...(this.respondingItems.get(this.activeResponseId) ?? [])]
      : [];
    const ids = [...new Set([...unplayed.map((i) => i.itemId), ...responding])];
    if (ids.length === 0 && this.activeResponseId === undefined) return;
    const generation = this.deps.generation();
    const items: InterruptedItem[] = ids.map((itemId) => {
      const playback = tracker.item(itemId);
      return {
        itemId,
        heardMs: playback?.heardMs ?? 0,
        forwardedMs: playback?.forwardedMs ?? 0,
        generatedMs: this.deps.transcript.findAgent(itemId)?.generatedMs ?? 0,
        truncatable: (playback?.generation ?? generation) === generation,
      };
    });
    const plan = planBargeIn({ items, unplayedAudio: unplayed.length > 0 });
    if (plan.clear) {
      this.deps.media.sendControl({ type: 'clear' });
      const reactionMs = performance.now() - started;
      this.bargeIns++;
      this.deps.metrics.bargeIns.inc();
      this.deps.metrics.bargeInLatency.observe(reactionMs);
      this.deps.events.latency('barge_in', reactionMs, this.deps.events.counted(this.bargeIns), ids[0]);
    }
    tracker.clear();
    if (this.activeResponseId) this.silenced.add(this.activeResponseId);
    for (const { itemId, audioEndMs } of plan.truncations) {
      this.deps.send({
        type: 'conversation.item.truncate',
        item_id: itemId,
        content_index: 0,
        audio_end_ms: audioEndMs,
      });
    }
    this.deps.gate.drop('filler');
    for (const item of items) {
      const turn = this.deps.transcript.agent(item.itemId);
      turn.interrupted = true;
      turn.heardMs = Math.min(item.heardMs, item.forwardedMs);
      this.maybePublish(turn);
    }
    this.deps.logger.info(
      { items: plan.truncations, cleared: plan.clear },
      'barge-in: caller interrupted the agent',
    );
    this.deps.onPlayback();
  }

  private sendMark(mark: MarkInfo | undefined): void {
    if (mark) this.deps.media.sendControl({ type: 'mark', name: mark.name });
  }

  private measureFirstAudio(responseId: string, itemId: string): void {
    if (!this.setupMeasured && responseId === this.greetingResponseId) {
      this.setupMeasured = true;
      const setupMs = Date.now() - this.deps.claimRequestedAt;
      this.deps.metrics.setupLatency.observe(setupMs);
      this.deps.events.latency('setup', setupMs, 'greeting', itemId);
    }
    const callerStoppedAt = this.deps.state.takeCallerStoppedAt();
    if (callerStoppedAt !== undefined) {
      const turnMs = performance.now() - callerStoppedAt;
      this.deps.metrics.turnLatency.observe(turnMs);
      this.deps.events.latency('turn', turnMs, itemId, itemId);
    }
  }

  /** Publishes an agent turn once it is known what the caller heard of it. */
  private maybePublish(turn: AgentTurn): void {
    if (turn.published || !turn.textDone) return;
    if (!turn.interrupted && this.deps.tracker.hasUnplayed(turn.itemId)) return;
    this.publish(turn);
  }

  private publish(turn: AgentTurn): void {
    if (turn.published) return;
    turn.published = true;
    const playback = this.deps.tracker.item(turn.itemId);
    const heardMs = turn.interrupted ? (turn.heardMs ?? 0) : (playback?.forwardedMs ?? turn.generatedMs);
    this.deps.events.transcriptTurn({
      itemId: turn.itemId,
      role: 'agent',
      text: heardText(turn),
      interrupted: turn.interrupted,
      heardMs: Math.round(heardMs),
      startedAt: turn.at.toISOString(),
    });
  }
}
