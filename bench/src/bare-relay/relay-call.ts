import { WebSocket } from 'ws';

/** How the relay reaches the model. */
export interface ModelEndpoint {
  url: string;
  apiKey: string;
  /** PEM of the CA the socket trusts (the local fake's certificate); the default CAs otherwise. */
  ca: string | undefined;
  greeting: string;
  voice: string;
}

/** The few fields of Twilio's messages the relay reads, unchecked (as the sample does). */
interface TwilioMessage {
  event?: string;
  start?: { streamSid?: string };
  media?: { payload?: string; timestamp?: string };
}

/** The few fields of the model's events the relay reads, unchecked. */
interface ModelEvent {
  type?: string;
  delta?: string;
  item_id?: string;
}

/**
 * One call, piped exactly as twilio-samples/speech-assistant-openai-realtime-api-node does it:
 * Twilio `media` → `input_audio_buffer.append`; `response.output_audio.delta` → Twilio `media`
 * and a `mark`; on `speech_started` with marks outstanding, truncate the agent's item at what
 * Twilio has played and `clear`. No signature or token checks, no schema, no NATS, no database.
 * The model socket opens on `start`; the greeting is asked for as soon as it is open.
 */
export function relayCall(twilio: WebSocket, model: ModelEndpoint): void {
  let openAi: WebSocket | undefined;
  let streamSid: string | null = null;
  let latestMediaTimestamp = 0;
  let lastAssistantItem: string | null = null;
  let markQueue: string[] = [];
  let responseStartTimestampTwilio: number | null = null;

  const toModel = (event: Record<string, unknown>) => {
    if (openAi?.readyState === WebSocket.OPEN) openAi.send(JSON.stringify(event));
  };

  const onModelMessage = (data: WebSocket.RawData) => {
    const event = parse<ModelEvent>(data);
    if (!event) return;
    if (event.type === 'response.output_audio.delta' && event.delta) {
      twilio.send(JSON.stringify({ event: 'media', streamSid, media: { payload: event.delta } }));
      responseStartTimestampTwilio ??= latestMediaTimestamp;
      if (event.item_id) lastAssistantItem = event.item_id;
      twilio.send(JSON.stringify({ event: 'mark', streamSid, mark: { name: 'responsePart' } }));
      markQueue.push('responsePart');
    } else if (event.type === 'input_audio_buffer.speech_started') {
      if (markQueue.length > 0 && responseStartTimestampTwilio !== null) {
        const elapsed = latestMediaTimestamp - responseStartTimestampTwilio;
        if (lastAssistantItem) {
          toModel({
            type: 'conversation.item.truncate',
            item_id: lastAssistantItem,
            content_index: 0,
            audio_end_ms: Math.max(0, elapsed),
          });
        }
        twilio.send(JSON.stringify({ event: 'clear', streamSid }));
        markQueue = [];
        lastAssistantItem = null;
        responseStartTimestampTwilio = null;
      }
    }
  };

  const openModel = () => {
    const socket = new WebSocket(model.url, {
      headers: { Authorization: `Bearer ${model.apiKey}` },
      ...(model.ca ? { ca: model.ca } : {}),
      perMessageDeflate: false,
    });
    socket.on('open', () => {
      toModel({
        type: 'session.update',
        session: {
          type: 'realtime',
          output_modalities: ['audio'],
          audio: {
            input: { format: { type: 'audio/pcmu' }, turn_detection: { type: 'server_vad' } },
            output: { format: { type: 'audio/pcmu' }, voice: model.voice },
          },
          instructions: 'You are a helpful phone receptionist.',
        },
      });
      toModel({
        type: 'response.create',
        response: { instructions: `Greet the caller by saying exactly this: "${model.greeting}"` },
      });
    });
    socket.on('message', onModelMessage);
    socket.on('error', () => twilio.close());
    socket.on('close', () => {
      if (twilio.readyState === WebSocket.OPEN) twilio.close();
    });
    openAi = socket;
  };

  twilio.on('message', (data) => {
    const message = parse<TwilioMessage>(data);
    switch (message?.event) {
      case 'media':
        latestMediaTimestamp = Number(message.media?.timestamp ?? latestMediaTimestamp);
        toModel({ type: 'input_audio_buffer.append', audio: message.media?.payload });
        return;
      case 'start':
        streamSid = message.start?.streamSid ?? null;
        responseStartTimestampTwilio = null;
        latestMediaTimestamp = 0;
        openModel();
        return;
      case 'mark':
        markQueue.shift();
        return;
    }
  });
  twilio.on('close', () => {
    if (openAi && openAi.readyState !== WebSocket.CLOSED) openAi.close();
  });
  twilio.on('error', () => openAi?.close());
}

function parse<T>(data: WebSocket.RawData): T | undefined {
  try {
    return JSON.parse(data.toString()) as T;
  } catch {
    return undefined;
  }
}
