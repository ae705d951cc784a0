import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@voice/shared/logging';
import { type BackoffPolicy, backoffDelay } from '@voice/shared/retry';
import type { ConversationItem, RealtimeSessionCreateRequest } from 'openai/resources/realtime/realtime';
import type { BridgeMetrics } from '../metrics.js';
import type { AudioDelta } from './audio-delta.js';
import type { ServerEvent } from './server-events.js';
import { configureSession, refusalOf, SessionConfigRejected, sessionUpdateId } from './session-handshake.js';
import type { RealtimeClientEvent, RealtimeTransport, RealtimeTransportFactory } from './transport.js';

export type ReplaceReason = 'socket_dropped' | 'session_cap';

export interface ModelLinkOptions {
  openTransport: RealtimeTransportFactory;
  logger: Logger;
  metrics: BridgeMetrics;
  connectTimeoutMs: number;
  /** Rotate to a fresh session at a quiet moment after this long. */
  maxSessionMs: number;
  /** Connection attempts when opening or replacing a session. */
  attempts: number;
}

export interface ModelLinkHandlers {
  /** Events of the live session (never of one still being opened, nor of a retired one). */
  onEvent(event: ServerEvent): void;
  /** Agent audio of the live session that its transport read on the fast path. */
  onAudioDelta(delta: AudioDelta): void;
  /** The `session.update` for the first session (replacements get the last one confirmed). */
  sessionConfig(): RealtimeSessionCreateRequest;
  /** The conversation so far, replayed into a replacement session. */
  replayItems(): ConversationItem[];
  /** A replacement session took over; `gapMs` from the loss (or rotation start) to ready. */
  onReplaced(reason: ReplaceReason, gapMs: number): void;
  /** The model could not be reached again: the call cannot go on. */
  onLost(): void;
  /** Nobody is speaking and nothing is pending: a good moment to rotate. */
  isQuiet(): boolean;
}

/** The server ends a GA session after this long (PROTOCOLS.md, corrections; beta: 30 minutes). */
export const GA_SESSION_LIMIT_MS = 60 * 60_000;

/** Caller audio held while no session is ready (at most this much; older frames are dropped). */
const MAX_PENDING_AUDIO_FRAMES = 100;
/**
 * After the session cap, rotation waits for a quiet moment at most this long, and never so
 * long that the replacement could not be ready before the server ends the session.
 */
const ROTATION_GRACE_MS = 60_000;
const QUIET_CHECK_MS = 250;
/** Pauses between connection attempts; `attempts` bounds them, so no cap. */
const CONNECT_BACKOFF: BackoffPolicy = { baseMs: 200 };

/**
 * The call's connection to the model, across model sessions. Opens a session and configures
 * it; when the socket drops, opens a replacement and replays the conversation; before the
 * session cap, rotates to a fresh session at a quiet moment (the new one is ready before the
 * old one closes). A session is ready only once `session.updated` confirmed its configuration
 * (mu-law both ways); caller audio that arrives while no session is ready is held briefly.
 */
export class ModelLink {
  /** Increments with each session; items of an older generation cannot be addressed any more. */
  generation = 0;
  private current: RealtimeTransport | undefined;
  private readonly retired = new WeakSet<RealtimeTransport>();
  private pendingAudio: Uint8Array[] = [];
  private closed = false;
  private replacing = false;
  private rotationTimer: NodeJS.Timeout | undefined;
  /** What the live session runs with: the last configuration the API confirmed. */
  private confirmed: RealtimeSessionCreateRequest | undefined;
  /** Mid-call updates sent and not yet answered, oldest first. */
  private pendingUpdates: Array<{ eventId: string; config: RealtimeSessionCreateRequest }> = [];

  constructor(
    private readonly options: ModelLinkOptions,
    private readonly handlers: ModelLinkHandlers,
  ) {}

  get ready(): boolean {
    return this.current !== undefined && !this.closed;
  }

  /**
   * Opens and configures the first session; rejects when the model cannot be reached, and
   * with `SessionConfigRejected` when the API refuses the configuration (not retried).
   * `configReady` (tool discovery, the history of a call taken over) runs alongside the
   * connection; the session is configured once both are done. With `replay`, the conversation
   * so far is given to the session first: a call another bridge held until now.
   */
  async open(
    configReady: Promise<unknown> = Promise.resolve(),
    options: { replay?: boolean } = {},
  ): Promise<void> {
    const transport = await this.connectWithRetries(configReady, () => this.handlers.sessionConfig());
    if (this.closed) {
      transport.close();
      return;
    }
    this.install(transport, options.replay ?? false);
    // The offer may have changed (tool discovery) while the first one was being confirmed.
    const latest = this.handlers.sessionConfig();
    if (JSON.stringify(latest) !== JSON.stringify(this.confirmed)) this.update(latest);
  }

  /** Sends to the live session; false when there is none right now. */
  send(event: RealtimeClientEvent): boolean {
    return this.current?.send(event) ?? false;
  }

  /**
   * Changes the live session's configuration. A refusal is logged and counted, and the session
   * goes on as it was: the configuration it had stays the one a replacement gets.
   */
  update(config: RealtimeSessionCreateRequest): boolean {
    const eventId = sessionUpdateId();
    const sent = this.send({ type: 'session.update', event_id: eventId, session: config });
    if (sent) this.pendingUpdates.push({ eventId, config });
    return sent;
  }

  /** Caller audio (base64, checked, as bytes): to the live session, else held (copied) for the next. */
  appendAudio(payload: Uint8Array): void {
    if (this.current?.appendAudio(payload)) return;
    this.pendingAudio.push(payload.slice());
    if (this.pendingAudio.length > MAX_PENDING_AUDIO_FRAMES) this.pendingAudio.shift();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.rotationTimer);
    const transport = this.current;
    this.current = undefined;
    if (transport) {
      this.retired.add(transport);
      transport.close();
    }
  }

  private install(transport: RealtimeTransport, replay: boolean): void {
    this.pendingUpdates = [];
    if (replay) {
      for (const item of this.handlers.replayItems())
        transport.send({ type: 'conversation.item.create', item });
    }
    const previous = this.current;
    this.current = transport;
    this.generation++;
    if (previous) {
      this.retired.add(previous);
      previous.close();
    }
    for (const payload of this.pendingAudio.splice(0)) transport.appendAudio(payload);
    this.scheduleRotation();
  }

  private connect(): Promise<RealtimeTransport> {
    return new Promise((resolve, reject) => {
      const transport = this.options.openTransport();
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          this.retired.add(transport);
          transport.close();
          reject(error);
        } else resolve(transport);
      };
      const timer = setTimeout(
        () => settle(new Error(`model session not ready within ${this.options.connectTimeoutMs} ms`)),
        this.options.connectTimeoutMs,
      );
      transport.on('event', (event) => {
        if (event.type === 'session.created') settle();
        else if (transport === this.current && !this.settleUpdate(event)) this.dispatch(event);
      });
      transport.on('audio', (delta) => {
        if (transport === this.current) this.dispatchAudio(delta);
      });
      transport.on('invalid', (problem) => {
        this.options.metrics.invalidModelEvents.labels(problem.kind).inc();
        this.options.logger.warn({ problem }, 'model event not understood');
      });
      transport.on('error', (error) => {
        this.options.metrics.modelErrors.labels('transport').inc();
        this.options.logger.warn({ err: error }, 'model transport error');
      });
      transport.on('close', (code, reason) => {
        settle(new Error(`model socket closed (${code}) before the session was created`));
        if (transport === this.current && !this.retired.has(transport)) this.onDropped(code, reason);
      });
    });
  }

  /** A connected session whose configuration the API confirmed. */
  private async connectWithRetries(
    configReady: Promise<unknown>,
    config: () => RealtimeSessionCreateRequest,
  ): Promise<RealtimeTransport> {
    let lastError: unknown;
    for (let attempt = 0; attempt < this.options.attempts && !this.closed; attempt++) {
      if (attempt > 0) await sleep(backoffDelay({ ...CONNECT_BACKOFF, attempt }));
      try {
        const [transport] = await Promise.all([this.connect(), configReady]);
        return await this.configure(transport, config());
      } catch (error) {
        if (error instanceof SessionConfigRejected) throw error;
        lastError = error;
        this.options.logger.warn({ err: error, attempt: attempt + 1 }, 'model connection attempt failed');
      }
    }
    throw lastError instanceof Error ? lastError : new Error('model link closed');
  }

  private async configure(
    transport: RealtimeTransport,
    config: RealtimeSessionCreateRequest,
  ): Promise<RealtimeTransport> {
    try {
      await configureSession(transport, config, this.options.connectTimeoutMs);
    } catch (error) {
      this.retired.add(transport);
      transport.close();
      if (error instanceof SessionConfigRejected) {
        this.options.metrics.modelErrors.labels('session_config_rejected').inc();
        this.options.logger.error(
          { code: error.refusal.code, param: error.refusal.param, apiMessage: error.refusal.message },
          'model refused the session configuration',
        );
      }
      throw error;
    }
    this.confirmed = config;
    return transport;
  }

  /** Settles a mid-call update with its answer; true when the event was that answer. */
  private settleUpdate(event: ServerEvent): boolean {
    const first = this.pendingUpdates[0];
    if (!first) return false;
    if (event.type === 'session.updated') {
      this.pendingUpdates.shift();
      this.confirmed = first.config;
      return false;
    }
    const refused = this.pendingUpdates.find((update) => refusalOf(event, update.eventId));
    if (!refused) return false;
    this.pendingUpdates = this.pendingUpdates.filter((update) => update !== refused);
    const refusal = refusalOf(event, refused.eventId);
    this.options.metrics.modelErrors.labels('session_update_rejected').inc();
    this.options.logger.error(
      { code: refusal?.code, param: refusal?.param, apiMessage: refusal?.message },
      'model refused a session update; the session keeps its configuration',
    );
    return true;
  }

  private dispatch(event: ServerEvent): void {
    try {
      this.handlers.onEvent(event);
    } catch (error) {
      this.options.logger.error({ err: error, eventType: event.type }, 'model event handler failed');
    }
  }

  private dispatchAudio(delta: AudioDelta): void {
    try {
      this.handlers.onAudioDelta(delta);
    } catch (error) {
      this.options.logger.error({ err: error }, 'model audio handler failed');
    }
  }

  private onDropped(code: number, reason: string): void {
    this.current = undefined;
    clearTimeout(this.rotationTimer);
    this.options.metrics.modelErrors.labels('dropped').inc();
    this.options.logger.warn({ code, reason }, 'model socket dropped, restoring the session');
    void this.replace('socket_dropped', performance.now());
  }

  private async replace(reason: ReplaceReason, startedAt: number): Promise<void> {
    if (this.replacing || this.closed) return;
    this.replacing = true;
    try {
      const transport = await this.connectWithRetries(
        Promise.resolve(),
        () => this.confirmed ?? this.handlers.sessionConfig(),
      );
      if (this.closed) {
        transport.close();
        return;
      }
      this.install(transport, true);
      const gapMs = performance.now() - startedAt;
      this.options.metrics.sessionRestores.labels(reason, 'ok').inc();
      this.options.logger.info(
        { reason, gapMs: Math.round(gapMs), generation: this.generation },
        'model session replaced',
      );
      this.handlers.onReplaced(reason, gapMs);
    } catch (error) {
      if (this.closed) return;
      this.options.metrics.sessionRestores.labels(reason, 'failed').inc();
      if (reason === 'session_cap' && this.current) {
        this.options.logger.warn({ err: error }, 'session rotation failed, will retry');
        this.rotationTimer = setTimeout(() => this.rotateWhenQuiet(performance.now()), QUIET_CHECK_MS * 4);
        return;
      }
      this.options.metrics.modelErrors.labels('restore_failed').inc();
      this.options.logger.error({ err: error }, 'model session could not be restored');
      this.handlers.onLost();
    } finally {
      this.replacing = false;
    }
  }

  private scheduleRotation(): void {
    clearTimeout(this.rotationTimer);
    this.rotationTimer = setTimeout(() => this.rotateWhenQuiet(performance.now()), this.options.maxSessionMs);
  }

  private rotationGraceMs(): number {
    const beforeLimit = GA_SESSION_LIMIT_MS - this.options.maxSessionMs - this.options.connectTimeoutMs;
    return Math.max(0, Math.min(ROTATION_GRACE_MS, beforeLimit));
  }

  private rotateWhenQuiet(dueAt: number): void {
    if (this.closed || !this.current) return;
    if (this.handlers.isQuiet() || performance.now() - dueAt >= this.rotationGraceMs()) {
      void this.replace('session_cap', performance.now());
      return;
    }
    this.rotationTimer = setTimeout(() => this.rotateWhenQuiet(dueAt), QUIET_CHECK_MS);
  }
}
