import type {
  CallClaimRequest,
  CallEvent,
  MediaInControl,
  MediaSubjects,
  StreamingCall,
} from '@voice/shared/contracts';
import { callEventSchema } from '@voice/shared/contracts';
import type { CallControl } from '@voice/shared/twilio';
import type { AgentDirectory } from '../../src/calls/agent-directory.js';
import type { CallEventSink } from '../../src/calls/call-events.js';
import { MemoryCallStreams } from '../../src/calls/call-streams.js';
import type {
  BridgeHandlers,
  BridgeLink,
  ClaimAnswer,
  MediaBus,
  ProbeResult,
} from '../../src/claims/media-bus.js';

/** `AgentDirectory` in memory. */
export class FakeAgentDirectory implements AgentDirectory {
  readonly agents = new Map<string, string>();
  /** Makes every lookup throw, as a Postgres outage would. */
  failing = false;

  async findAgentForNumber(phoneNumber: string) {
    if (this.failing) throw new Error('postgres is down (fake)');
    return this.agents.get(phoneNumber);
  }
}

/** The in-process stream slots, readable by tests, and able to fail as NATS KV would. */
export class FakeCallStreams extends MemoryCallStreams {
  /** Makes every call throw, as a NATS outage would. */
  failing = false;

  override async take(callSid: string, stream: StreamingCall) {
    this.check();
    return super.take(callSid, stream);
  }

  override async close(callSid: string) {
    this.check();
    return super.close(callSid);
  }

  override async read(callSid: string) {
    this.check();
    return super.read(callSid);
  }

  private check(): void {
    if (this.failing) throw new Error('nats is down (fake)');
  }
}

/** One claim's link as the fake bus saw it: what the gateway sent, and a way to answer as the bridge. */
export interface FakeLink {
  subjects: MediaSubjects;
  audio: string[];
  controls: MediaInControl[];
  closed: boolean;
  bridge: BridgeHandlers;
}

/** `MediaBus` without NATS: scripted claim answers, recorded traffic. */
export class FakeMediaBus implements MediaBus {
  readonly claimRequests: CallClaimRequest[] = [];
  /** Controls sent outside a link (released claims). */
  readonly looseControls: Array<{ subjects: MediaSubjects; control: MediaInControl }> = [];
  readonly links: FakeLink[] = [];
  /** Answers in order; once used up, every claim is accepted by `bridge-1`. */
  answers: ClaimAnswer[] = [];

  /** How long each claim takes to be answered (a bridge's round trip). */
  claimDelayMs = 0;

  async requestClaim(request: CallClaimRequest): Promise<ClaimAnswer> {
    this.claimRequests.push(request);
    if (this.claimDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.claimDelayMs));
    return this.answers.shift() ?? { kind: 'accepted', bridgeId: 'bridge-1' };
  }

  link(subjects: MediaSubjects, handlers: BridgeHandlers): BridgeLink {
    const link: FakeLink = { subjects, audio: [], controls: [], closed: false, bridge: handlers };
    this.links.push(link);
    return {
      sendAudio: (payload) => {
        if (!link.closed) {
          link.audio.push(typeof payload === 'string' ? payload : Buffer.from(payload).toString('latin1'));
        }
      },
      sendControl: (control) => {
        if (!link.closed) link.controls.push(control);
      },
      close: () => {
        link.closed = true;
      },
    };
  }

  sendControl(subjects: MediaSubjects, control: MediaInControl): void {
    this.looseControls.push({ subjects, control });
  }

  /** What probes find; `unknown` (a bridge that does not answer) by default. */
  probeResult: ProbeResult = 'unknown';
  readonly probes: MediaSubjects[] = [];
  /** Undefined plays a NATS outage. */
  connectedMs: number | undefined = 60_000;

  async probe(subjects: MediaSubjects): Promise<ProbeResult> {
    this.probes.push(subjects);
    return this.probeResult;
  }

  connectedForMs(): number | undefined {
    return this.connectedMs;
  }
}

/** Collects call events, checking each against the contract as the recorder would. */
export class RecordingEventSink implements CallEventSink {
  readonly events: CallEvent[] = [];

  publish(event: CallEvent): void {
    this.events.push(callEventSchema.parse(event));
  }

  ofType<T extends CallEvent['type']>(type: T): Array<Extract<CallEvent, { type: T }>> {
    return this.events.filter((event): event is Extract<CallEvent, { type: T }> => event.type === type);
  }
}

/** `CallControl` that records what it was asked, and can fail. */
export class FakeCallControl implements CallControl {
  readonly hangups: string[] = [];
  readonly redirects: Array<{ callSid: string; twiml: string }> = [];
  failing = false;

  async hangup(callSid: string): Promise<void> {
    if (this.failing) throw new Error('twilio is down (fake)');
    this.hangups.push(callSid);
  }

  async redirect(callSid: string, twiml: string): Promise<void> {
    if (this.failing) throw new Error('twilio is down (fake)');
    this.redirects.push({ callSid, twiml });
  }
}
