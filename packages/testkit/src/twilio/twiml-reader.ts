/** One element of a TwiML document. */
export interface TwimlElement {
  /** Verb or noun, as written (`Say`, `Connect`, `Stream`, `Parameter`, `Dial`, …). */
  name: string;
  attributes: Record<string, string>;
  children: TwimlElement[];
  /** The element's own text (entities decoded, trimmed), e.g. what `<Say>` says. */
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X'))
      return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return ENTITIES[entity] ?? whole;
  });
}

const TOKEN =
  /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<\/\s*([\w:.-]+)\s*>|<([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
const ATTRIBUTE = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/**
 * Reads TwiML as Twilio would need to follow it: a small XML reader for elements, attributes,
 * text and entities (no DTDs or CDATA, which TwiML does not use). Returns the `<Response>`.
 */
export function parseTwiml(xml: string): TwimlElement {
  const root: TwimlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: TwimlElement[] = [root];
  for (const match of xml.matchAll(TOKEN)) {
    const [, closing, opening, attributeText, selfClosing, text] = match;
    const current = stack[stack.length - 1] as TwimlElement;
    if (opening) {
      const element: TwimlElement = { name: opening, attributes: {}, children: [], text: '' };
      for (const [, key, double, single] of (attributeText ?? '').matchAll(ATTRIBUTE)) {
        element.attributes[key as string] = decodeEntities(double ?? single ?? '');
      }
      current.children.push(element);
      if (!selfClosing) stack.push(element);
    } else if (closing) {
      if (current.name !== closing) throw new Error(`TwiML: </${closing}> closes <${current.name}>`);
      current.text = current.text.trim();
      stack.pop();
    } else if (text) {
      current.text += decodeEntities(text);
    }
  }
  if (stack.length !== 1)
    throw new Error(`TwiML: <${(stack[stack.length - 1] as TwimlElement).name}> is not closed`);
  const response = root.children.find((child) => child.name === 'Response');
  if (!response) throw new Error('TwiML: no <Response> element');
  return response;
}

/** The `<Connect><Stream>` of a TwiML response, with its `<Parameter>`s, if it has one. */
export interface ConnectStream {
  url: string;
  statusCallback: string | undefined;
  parameters: Record<string, string>;
  /** The verbs after `<Connect>`: what Twilio runs when the stream ends. */
  fallback: TwimlElement[];
}

export function findConnectStream(response: TwimlElement): ConnectStream | undefined {
  const index = response.children.findIndex((verb) => verb.name === 'Connect');
  const stream = response.children[index]?.children.find((noun) => noun.name === 'Stream');
  if (!stream?.attributes.url) return undefined;
  const parameters: Record<string, string> = {};
  for (const parameter of stream.children) {
    if (parameter.name === 'Parameter' && parameter.attributes.name !== undefined) {
      parameters[parameter.attributes.name] = parameter.attributes.value ?? '';
    }
  }
  return {
    url: stream.attributes.url,
    statusCallback: stream.attributes.statusCallback,
    parameters,
    fallback: response.children.slice(index + 1),
  };
}

/** What `<Say>` verbs say, in order. */
export function spokenTexts(verbs: readonly TwimlElement[]): string[] {
  return verbs.filter((verb) => verb.name === 'Say').map((verb) => verb.text);
}
