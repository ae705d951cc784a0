import { JsonBytesCursor, MAX_INBOUND_PAYLOAD_CHARS } from '@voice/shared/contracts';
import { mutateJson, mutateText, type Random, randomJson, seededRandom } from '@voice/testkit';
import { describe, expect, it } from 'vitest';
import { parseFrame } from './parse-frame.js';
import { issueStreamToken, verifyStreamToken } from './stream-token.js';
import { type FrameView, STREAM_SID_LENGTH, scanTwilioFrame } from './twilio-frame-scan.js';

const STREAM = `MZ${'a'.repeat(32)}`;
const CALL = `CA${'b'.repeat(32)}`;
const ACCOUNT = `AC${'c'.repeat(32)}`;
const ITERATIONS = 5_000;

/** One valid message of every kind Twilio sends on a stream. */
const VALID: ReadonlyArray<Record<string, unknown>> = [
  { event: 'connected', protocol: 'Call', version: '1.0.0' },
  {
    event: 'start',
    sequenceNumber: '1',
    streamSid: STREAM,
    start: {
      accountSid: ACCOUNT,
      streamSid: STREAM,
      callSid: CALL,
      tracks: ['inbound'],
      customParameters: { token: 'v1.abc.def' },
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8_000, channels: 1 },
    },
  },
  {
    event: 'media',
    sequenceNumber: '3',
    streamSid: STREAM,
    media: { track: 'inbound', chunk: '1', timestamp: '5', payload: '/////w==' },
  },
  { event: 'mark', sequenceNumber: '4', streamSid: STREAM, mark: { name: 'm1' } },
  { event: 'dtmf', sequenceNumber: '5', streamSid: STREAM, dtmf: { track: 'inbound_track', digit: '1' } },
  { event: 'stop', sequenceNumber: '6', streamSid: STREAM, stop: { accountSid: ACCOUNT, callSid: CALL } },
];

const SID = { MZ: /^MZ[0-9a-f]{32}$/, CA: /^CA[0-9a-f]{32}$/, AC: /^AC[0-9a-f]{32}$/ };
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * What a message must be to reach the bridge, written out independently of the zod contract:
 * a known event, well-formed identifiers (they become parts of NATS subjects and SQL parameters),
 * audio that is base64 and small, short mark names, a single keypad digit.
 */
function contractViolations(message: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const field = (path: string): unknown =>
    path
      .split('.')
      .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], message);
  const check = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  const event = field('event');
  check(['connected', 'start', 'media', 'mark', 'dtmf', 'stop'].includes(String(event)), 'event');
  if (event !== 'connected') check(SID.MZ.test(String(field('streamSid'))), 'streamSid');
  if (event === 'start') {
    check(SID.CA.test(String(field('start.callSid'))), 'start.callSid');
    check(SID.AC.test(String(field('start.accountSid'))), 'start.accountSid');
    const parameters = field('start.customParameters') as Record<string, unknown>;
    check(
      Object.values(parameters).every((value) => typeof value === 'string'),
      'customParameters',
    );
  }
  if (event === 'media') {
    const payload = String(field('media.payload'));
    check(BASE64.test(payload) && payload.length <= MAX_INBOUND_PAYLOAD_CHARS, 'media.payload');
  }
  if (event === 'mark') {
    const name = field('mark.name');
    check(typeof name === 'string' && name.length >= 1 && name.length <= 256, 'mark.name');
  }
  if (event === 'dtmf') check(/^[0-9*#A-D]$/.test(String(field('dtmf.digit'))), 'dtmf.digit');
  if (event === 'stop') check(SID.CA.test(String(field('stop.callSid'))), 'stop.callSid');
  return problems;
}

/** A frame as a peer might send it: valid, a mutated message, mutated text, or anything at all. */
function randomFrame(random: Random): { data: Buffer; binary: boolean } {
  const base = random.pick(VALID);
  const binary = random.chance(0.03);
  switch (random.int(5)) {
    case 0:
      return { data: Buffer.from(JSON.stringify(base)), binary };
    case 1:
    case 2:
      return { data: Buffer.from(JSON.stringify(mutateJson(random, base))), binary };
    case 3:
      return { data: Buffer.from(mutateText(random, JSON.stringify(base))), binary };
    default:
      return {
        data: random.chance(0.5)
          ? Buffer.from(JSON.stringify(randomJson(random, 4)) ?? 'undefined')
          : Buffer.from(Array.from({ length: random.int(64) }, () => random.int(256))),
        binary,
      };
  }
}

describe('the Twilio frame parser under fuzzing', () => {
  it(`never throws, and lets through only frames that meet the contract (${ITERATIONS} frames)`, () => {
    const random = seededRandom(20_261_125);
    let passed = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const { data, binary } = randomFrame(random);
      const parsed = parseFrame(data, binary);
      if ('drop' in parsed) {
        expect(['binary', 'invalid_json', 'schema']).toContain(parsed.drop);
        continue;
      }
      passed++;
      expect(binary, data.toString()).toBe(false);
      expect(contractViolations(parsed.message as Record<string, unknown>), data.toString()).toEqual([]);
    }
    // The generator keeps valid frames in the mix: the parser is not just refusing everything.
    expect(passed).toBeGreaterThan(ITERATIONS / 10);
  });

  it('accepts every valid message as it comes, whatever order its keys are in', () => {
    for (const message of VALID) {
      const reversed = Object.fromEntries(Object.entries(message).reverse());
      expect(parseFrame(Buffer.from(JSON.stringify(reversed)), false)).toEqual({ message });
    }
  });

  it(`never takes a forged or mangled stream token for a valid one (${ITERATIONS} tokens)`, () => {
    const random = seededRandom(7);
    const secret = 'fuzz-stream-token-secret-0123456789';
    const now = 1_800_000_000_000;
    const valid = issueStreamToken(secret, {
      callSid: CALL,
      claimId: 'claim-1234',
      bridgeId: 'b-1',
      expiresAt: now + 60_000,
    });
    for (let i = 0; i < ITERATIONS; i++) {
      const token = random.chance(0.5) ? mutateText(random, valid) : String(randomJson(random, 1));
      const result = verifyStreamToken(secret, token, now);
      if (token !== valid) expect(result.ok, token).toBe(false);
    }
  });
});

/** A media frame with Twilio's own key order (`media` before `streamSid`). */
const TWILIO_MEDIA = {
  event: 'media',
  sequenceNumber: '4',
  media: {
    track: 'inbound',
    chunk: '2',
    timestamp: '20',
    payload: Buffer.alloc(160, 0x7f).toString('base64'),
  },
  streamSid: STREAM,
};
const SIMULATOR_MEDIA = VALID[2] as typeof TWILIO_MEDIA;
const TWILIO_MARK = { event: 'mark', sequenceNumber: '5', streamSid: STREAM, mark: { name: 'm12' } };
const BARE_MARK = { event: 'mark', streamSid: STREAM, mark: { name: 'responsePart' } };

/** A payload near the contract's edges: alphabet, padding, length. */
function edgePayload(random: Random): string {
  const alphabet = 'ABCxyz019+/';
  const length = random.pick([0, 1, 4, 216, MAX_INBOUND_PAYLOAD_CHARS, MAX_INBOUND_PAYLOAD_CHARS + 1]);
  let text = Array.from({ length }, () => alphabet[random.int(alphabet.length)]).join('');
  if (random.chance(0.4)) text += '='.repeat(random.int(4));
  return random.chance(0.3) ? withOddCharacter(random, text) : text;
}

/** A mark name near the contract's edges. */
function edgeMarkName(random: Random): string {
  const text = 'm'.repeat(random.pick([0, 1, 2, 256, 257]));
  return random.chance(0.3) ? withOddCharacter(random, text) : text;
}

function withOddCharacter(random: Random, text: string): string {
  const at = random.int(text.length + 1);
  return (
    text.slice(0, at) + random.pick(['=', '-', ' ', '"', '\\', 'é', '\u0000', '\u007f']) + text.slice(at + 1)
  );
}

/** A stream SID near the contract's edges. */
function edgeStreamSid(random: Random): string {
  return random.pick([
    STREAM,
    `MZ${'A'.repeat(32)}`,
    `MZ${'a'.repeat(31)}`,
    `MZ${'a'.repeat(33)}`,
    `mz${'a'.repeat(32)}`,
    `MZ${'a'.repeat(31)}g`,
    '',
  ]);
}

/** A media or mark frame as a peer might send it: valid, edited at its edges, mutated, or mangled text. */
function liveFrameText(random: Random): string {
  const base: Record<string, unknown> = random.pick([TWILIO_MEDIA, SIMULATOR_MEDIA, TWILIO_MARK, BARE_MARK]);
  switch (random.int(5)) {
    case 0:
      return JSON.stringify(base);
    case 1:
      return JSON.stringify(
        base.event === 'media'
          ? { ...base, media: { ...TWILIO_MEDIA.media, payload: edgePayload(random) } }
          : { ...base, mark: { name: edgeMarkName(random) } },
      );
    case 2:
      return JSON.stringify({ ...base, streamSid: edgeStreamSid(random) });
    case 3:
      return JSON.stringify(mutateJson(random, base));
    default:
      return mutateText(random, JSON.stringify(base, null, random.chance(0.2) ? 1 : undefined));
  }
}

const newView = (): FrameView => ({ streamSidStart: 0, valueStart: 0, valueEnd: 0 });

describe('the media and mark fast path against the full parser', () => {
  it('agrees with it on every frame it answers: accept or reject, and the fields (20000 frames)', () => {
    const random = seededRandom(8_080);
    const view = newView();
    const cursor = new JsonBytesCursor();
    const verdicts = { media: 0, mark: 0, invalid: 0, other: 0 };
    for (let i = 0; i < 20_000; i++) {
      const data = Buffer.from(liveFrameText(random));
      const scan = scanTwilioFrame(data, view, cursor);
      verdicts[scan]++;
      const full = parseFrame(data, false);
      const text = data.toString();
      if (scan === 'invalid') {
        expect(full, text).toEqual({ drop: 'schema' });
        continue;
      }
      if (scan === 'other') continue;
      expect('message' in full && full.message.event, text).toBe(scan);
      if (!('message' in full) || (full.message.event !== 'media' && full.message.event !== 'mark')) continue;
      const { message } = full;
      const value = data.toString('latin1', view.valueStart, view.valueEnd);
      expect(value).toBe(message.event === 'media' ? message.media.payload : message.mark.name);
      expect(data.toString('latin1', view.streamSidStart, view.streamSidStart + STREAM_SID_LENGTH)).toBe(
        message.streamSid,
      );
    }
    // Every verdict is exercised: the fast path answers most frames, and leaves the odd ones alone.
    expect(verdicts.media).toBeGreaterThan(2_000);
    expect(verdicts.mark).toBeGreaterThan(2_000);
    expect(verdicts.invalid).toBeGreaterThan(1_000);
    expect(verdicts.other).toBeGreaterThan(1_000);
  });

  it('answers the media and mark frames Twilio and the simulator send, and leaves every other message to the parser', () => {
    const view = newView();
    const cursor = new JsonBytesCursor();
    for (const frame of [TWILIO_MEDIA, SIMULATOR_MEDIA]) {
      const data = Buffer.from(JSON.stringify(frame));
      expect(scanTwilioFrame(data, view, cursor)).toBe('media');
      expect(data.toString('latin1', view.valueStart, view.valueEnd)).toBe(frame.media.payload);
    }
    for (const frame of [TWILIO_MARK, BARE_MARK]) {
      const data = Buffer.from(JSON.stringify(frame));
      expect(scanTwilioFrame(data, view, cursor)).toBe('mark');
      expect(data.toString('latin1', view.valueStart, view.valueEnd)).toBe(frame.mark.name);
    }
    for (const message of VALID.filter((m) => m.event !== 'media' && m.event !== 'mark')) {
      expect(scanTwilioFrame(Buffer.from(JSON.stringify(message)), view, cursor)).toBe('other');
    }
  });
});
