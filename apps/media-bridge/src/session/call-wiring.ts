import { CallEvents } from '../events/call-events.js';
import type { CallMediaChannel } from '../media/call-media-channel.js';
import { ModelLink, type ReplaceReason } from '../model/model-link.js';
import type { ServerEvent } from '../model/server-events.js';
import { purposeResponse, serverInterruptsResponses } from '../model/session-config.js';
import type { RealtimeClientEvent } from '../model/transport.js';
import { Escalations } from '../tools/escalation.js';
import { ToolLoop } from '../tools/tool-loop.js';
import { AgentSpeech } from './agent-speech.js';
import { CallState } from './call-state.js';
import { DtmfCollector } from './dtmf-collector.js';
import { EndCallController } from './end-call.js';
import { createModelEventRouter } from './model-events.js';
import { PlaybackTracker } from './playback-tracker.js';
import { ResponseGate } from './response-gate.js';
import type { CallSessionDeps } from './session-deps.js';
import { SessionOffer } from './session-offer.js';
import { SystemInput } from './system-input.js';
import { Transcript } from './transcript.js';

/** What the collaborators ask of the session that owns them. */
export interface CallHooks {
  /** The media channel, once the session listens. */
  media(): CallMediaChannel | undefined;
  /** `end_call`'s goodbye has played: ask the gateway to hang up. */
  agentEnded(): void;
  onReplaced(reason: ReplaceReason, gapMs: number): void;
  /** The model could not be reached again. */
  onModelLost(): void;
}

/** One call's collaborators, wired to each other and to its `CallState`. */
export interface CallParts {
  state: CallState;
  tracker: PlaybackTracker;
  transcript: Transcript;
  events: CallEvents;
  offer: SessionOffer;
  gate: ResponseGate;
  input: SystemInput;
  endCall: EndCallController;
  escalations: Escalations;
  speech: AgentSpeech;
  tools: ToolLoop;
  dtmf: DtmfCollector;
  link: ModelLink;
}

type Send = (event: RealtimeClientEvent) => boolean;

/**
 * Builds one call's collaborators. Each reports the fact it owns into the call's `CallState`
 * and reads the others' from there; what goes to the model goes through `link`, the last
 * one built (nothing is sent before the session opens it).
 */
export function wireCall(deps: CallSessionDeps, hooks: CallHooks): CallParts {
  const { claim } = deps;
  const state = new CallState(deps.logger);
  const tracker = new PlaybackTracker({ reportPlaying: (playing) => state.reportAgentPlaying(playing) });
  const transcript = new Transcript();
  const events = new CallEvents(
    deps.outbox,
    claim.callSid,
    deps.logger,
    claim.resume ? `${claim.claimId}.` : '',
  );
  const offer = new SessionOffer(deps.profile, deps.tools);
  const send: Send = (event) => link.send(event);
  const gate = new ResponseGate(
    (params, eventId) => send({ type: 'response.create', event_id: eventId, response: params }),
    { reportInFlight: (inFlight) => state.reportResponseInFlight(inFlight) },
  );
  const input = new SystemInput({ transcript, gate, send });
  const endCall = new EndCallController({
    playbackIdle: () => !state.agentPlaying,
    hangUp: () => hooks.agentEnded(),
    reportRequested: () => state.reportEndRequested(),
  });
  const escalations = new Escalations({
    nc: deps.nc,
    outbox: deps.outbox,
    callSid: claim.callSid,
    agentId: claim.agentId,
    caller: claim.from,
    transcript,
    logger: deps.logger,
    playbackIdle: () => !state.agentPlaying,
    onUpdate: (status) => input.escalationUpdate(status),
  });
  const parts = { state, tracker, transcript, events, offer, gate, input, endCall, escalations };
  const speech = wireSpeech(deps, hooks, parts, send, () => link.generation);
  const tools = wireTools(deps, parts, send);
  const dtmf = new DtmfCollector(deps.settings.dtmfCollectMs, (digits) => input.keypad(digits));
  const onModelEvent = routeModelEvents(deps, { ...parts, speech, tools });
  const link = wireModelLink(deps, hooks, { offer, transcript, state, speech }, onModelEvent);
  return { ...parts, speech, tools, dtmf, link };
}

type Wired = Pick<
  CallParts,
  'state' | 'tracker' | 'transcript' | 'events' | 'offer' | 'gate' | 'input' | 'endCall' | 'escalations'
>;

function wireSpeech(
  deps: CallSessionDeps,
  hooks: CallHooks,
  parts: Wired,
  send: Send,
  generation: () => number,
): AgentSpeech {
  return new AgentSpeech({
    media: {
      sendAudio: (payload) => hooks.media()?.sendAudio(payload),
      sendControl: (control) => hooks.media()?.sendControl(control),
    },
    tracker: parts.tracker,
    state: parts.state,
    transcript: parts.transcript,
    gate: parts.gate,
    events: parts.events,
    metrics: deps.metrics,
    logger: deps.logger,
    send,
    generation,
    serverInterrupts: () => serverInterruptsResponses(parts.offer.config),
    claimRequestedAt: Date.parse(deps.claim.requestedAt),
    onPlayback: () => {
      parts.endCall.onPlayback();
      parts.escalations.onPlayback();
    },
  });
}

function wireTools(deps: CallSessionDeps, parts: Wired, send: Send): ToolLoop {
  const { claim, profile } = deps;
  return new ToolLoop({
    context: { callSid: claim.callSid, from: claim.from, to: claim.to, agentId: claim.agentId },
    offered: () => parts.offer.workerTools,
    systemOffered: parts.offer.systemTools,
    invoker: deps.invoker,
    system: {
      escalate: (callId, args) => parts.escalations.request(callId, args),
      endCall: (_callId, args) => parts.endCall.toolCall(args),
    },
    sendOutput: (callId, output) => {
      send({
        type: 'conversation.item.create',
        item: { type: 'function_call_output', call_id: callId, output },
      });
    },
    transcript: parts.transcript,
    gate: parts.gate,
    events: parts.events,
    metrics: deps.metrics,
    logger: deps.logger,
    fillerAfterMs: profile.toolFillerAfterMs,
    persona: profile.instructions,
    agentSilent: () => parts.state.agentSilent,
    reportBusy: (busy) => parts.state.reportToolsBusy(busy),
  });
}

function routeModelEvents(
  deps: CallSessionDeps,
  parts: Wired & Pick<CallParts, 'speech' | 'tools'>,
): (event: ServerEvent) => void {
  const route = createModelEventRouter({
    speech: parts.speech,
    gate: parts.gate,
    tools: parts.tools,
    endCall: parts.endCall,
    transcript: parts.transcript,
    events: parts.events,
    state: parts.state,
    metrics: deps.metrics,
    logger: deps.logger,
    retryTurn: () => parts.gate.request(purposeResponse('retry')),
  });
  return (event) => {
    route(event);
    parts.escalations.onModelEvent(event);
  };
}

function wireModelLink(
  deps: CallSessionDeps,
  hooks: CallHooks,
  parts: Pick<CallParts, 'offer' | 'transcript' | 'state' | 'speech'>,
  onEvent: (event: ServerEvent) => void,
): ModelLink {
  const { settings } = deps;
  return new ModelLink(
    {
      openTransport: deps.openTransport,
      logger: deps.logger,
      metrics: deps.metrics,
      connectTimeoutMs: settings.modelConnectTimeoutMs,
      maxSessionMs: settings.modelSessionMaxMs,
      attempts: settings.modelConnectAttempts,
    },
    {
      onEvent,
      onAudioDelta: (delta) => parts.speech.onAudioDelta(delta),
      sessionConfig: () => parts.offer.config,
      replayItems: () => parts.transcript.replayItems(),
      onReplaced: (reason, gapMs) => hooks.onReplaced(reason, gapMs),
      onLost: () => hooks.onModelLost(),
      isQuiet: () => parts.state.quiet,
    },
  );
}
