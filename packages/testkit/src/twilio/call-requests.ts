import type { PlaceCallOptions } from './call-options.js';
import { newIdempotencyToken, postSignedForm, reachableUrl, type SignedPostResult } from './signing.js';

const DEFAULT_WEBHOOK_PATH = '/voice/inbound';
const DEFAULT_STATUS_PATH = '/voice/status';

/**
 * The signed HTTP side of one simulated call: the voice webhook (one token for all its
 * retries), the call status callbacks and the `<Stream>` status callbacks, as Twilio posts them.
 */
export class CallRequests {
  /** The voice webhook's `I-Twilio-Idempotency-Token`: its retries carry the same one. */
  readonly webhookToken = newIdempotencyToken();
  private statusSequence = 0;

  constructor(
    private readonly options: PlaceCallOptions,
    private readonly callSid: string,
  ) {}

  get publicBase(): string {
    return this.options.publicBaseUrl.replace(/\/+$/, '');
  }

  postWebhook(gatewayUrl: string, readTimeoutMs?: number): Promise<SignedPostResult> {
    const path = this.options.webhookPath ?? DEFAULT_WEBHOOK_PATH;
    const signature = this.options.forge?.webhookSignature;
    return this.post(
      `${this.publicBase}${path}`,
      { ...this.commonParams(), CallStatus: 'ringing' },
      {
        idempotencyToken: this.webhookToken,
        gatewayUrl,
        ...(signature === undefined ? {} : { signature }),
        ...(readTimeoutMs === undefined ? {} : { readTimeoutMs }),
      },
    );
  }

  /**
   * Posts a call status callback (signed) to the number's status callback URL; undefined when
   * the number has none.
   */
  async postCallStatus(
    status: string,
    extra: Record<string, string>,
  ): Promise<{ params: Record<string, string>; result: SignedPostResult } | undefined> {
    const path =
      this.options.statusCallbackPath === undefined ? DEFAULT_STATUS_PATH : this.options.statusCallbackPath;
    if (path === null) return undefined;
    const params = {
      ...this.commonParams(),
      CallStatus: status,
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(this.statusSequence++),
      Timestamp: new Date().toUTCString(),
      ...extra,
    };
    const result = await this.post(`${this.publicBase}${path}`, params);
    return { params, result };
  }

  /** Posts a `<Stream statusCallback>` event for one stream; failures are swallowed. */
  postStreamStatus(
    statusCallback: string | undefined,
    streamSid: string,
    event: string,
    extra: Record<string, string> = {},
  ): Promise<SignedPostResult | undefined> {
    if (!statusCallback) return Promise.resolve(undefined);
    return this.post(statusCallback, {
      AccountSid: this.options.accountSid,
      CallSid: this.callSid,
      StreamSid: streamSid,
      StreamName: streamSid,
      StreamEvent: event,
      Timestamp: new Date().toISOString(),
      ...extra,
    }).catch(() => undefined);
  }

  private commonParams(): Record<string, string> {
    const { accountSid, from, to } = this.options;
    return {
      AccountSid: accountSid,
      ApiVersion: '2010-04-01',
      CallSid: this.callSid,
      Called: to,
      Caller: from,
      Direction: 'inbound',
      From: from,
      To: to,
    };
  }

  /** Every other request (status callbacks) is a webhook of its own, with its own token. */
  private post(
    publicUrl: string,
    params: Record<string, string>,
    attempt: {
      signature?: string | null;
      idempotencyToken?: string;
      gatewayUrl?: string;
      readTimeoutMs?: number;
    } = {},
  ) {
    const { gatewayUrl = this.options.gatewayUrl, ...rest } = attempt;
    return postSignedForm({
      authToken: this.options.authToken,
      publicUrl,
      reachUrl: reachableUrl(publicUrl, this.publicBase, gatewayUrl),
      params,
      ...rest,
    });
  }
}
