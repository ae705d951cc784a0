import { readFileSync } from 'node:fs';

/** The parts of a V8 `.cpuprofile` the summary reads. */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

/** Where a process's CPU went over the profiled window. */
export interface ProfileSummary {
  process: string;
  /** CPU time sampled (ms), idle excluded. */
  busyMs: number;
  /** Busy time per category, largest first, with its share of the busy time. */
  categories: Array<{ category: string; ms: number; percent: number }>;
  /** The functions with the most self time. */
  topFunctions: Array<{ name: string; where: string; ms: number; percent: number }>;
}

const TOP_FUNCTIONS = 15;
const US_PER_MS = 1_000;
const IDLE = '(idle)';

/**
 * Where the time goes, by what the code is: a sample is put in the category of the function
 * it landed in; a V8 builtin or a native binding (no URL) is named by what it is when that is
 * known (JSON, Buffer/base64, socket writes) and otherwise inherits its caller's category.
 */
const BY_URL: ReadonlyArray<readonly [RegExp, string]> = [
  [/\/zod\//, 'zod (schema parsing)'],
  [/\/ws\/lib\//, 'ws (WebSocket frames)'],
  [/@nats-io\//, 'NATS client'],
  [/\/(pino|sonic-boom|pino-std-serializers)\//, 'logging (pino)'],
  [/\/(fastify|@fastify|find-my-way|avvio|light-my-request)\//, 'fastify'],
  [/\/node_modules\/openai\//, 'openai SDK'],
  [/\/packages\/testkit\/dist\//, 'testkit fakes (harness)'],
  [/\/bench\/dist\//, 'benchmark harness'],
  [/\/prom-client\//, 'metrics (prom-client)'],
  [/\/(drizzle-orm|pg|pg-protocol|pg-pool)\//, 'Postgres client'],
  [/\/apps\/[^/]+\/dist\//, 'app code'],
  [/\/packages\/shared\/dist\//, 'shared (contracts, NATS helpers)'],
  [/\/packages\/tool-kit\/dist\//, 'tool-kit'],
  [/^node:buffer$|^node:internal\/buffer$/, 'Buffer (base64)'],
  [
    /^node:(net|internal\/stream_base_commons|internal\/streams\/|stream$|internal\/net)/,
    'sockets and streams (node)',
  ],
  [/^node:(_tls|tls|internal\/tls)/, 'TLS (node)'],
  [/^node:(internal\/timers|timers)/, 'timers (node)'],
  [/^node:(events|internal\/event_target)/, 'events (node)'],
  [/^node:/, 'node internals'],
];
const SOCKET_WRITES = 'socket writes';
const BY_NAME: ReadonlyArray<readonly [RegExp, string]> = [
  [/^\(garbage collector\)$/, 'garbage collection'],
  [/^\(program\)$/, 'V8/libuv native (syscalls, I/O)'],
  [/^(parse|JSONParse)$/, 'JSON.parse'],
  [/^(stringify|JSONStringify)$/, 'JSON.stringify'],
  [/^(base64Slice|base64Write|base64urlSlice|byteLengthUtf8)$/, 'Buffer (base64)'],
  [/^(writev|writeUtf8String|writeBuffer|writeLatin1String|writeAsciiString)$/, SOCKET_WRITES],
  [/^(utf8Slice|latin1Slice|asciiSlice|decode)$/, 'string decoding'],
  [/^(exec|test|replace|match|split|\[Symbol\.(replace|match|split)\])$/, 'RegExp/string'],
];

/**
 * A socket write (a syscall per message) is named by who asked for it: the nearest caller that
 * is a library or the app, not node's own stream plumbing.
 */
function categoryOf(frame: ProfileNode['callFrame'], inherited: string, owner: string): string {
  if (frame.url) for (const [pattern, category] of BY_URL) if (pattern.test(frame.url)) return category;
  for (const [pattern, category] of BY_NAME) {
    if (!pattern.test(frame.functionName)) continue;
    return category === SOCKET_WRITES ? `${SOCKET_WRITES} (syscalls) for ${owner}` : category;
  }
  return frame.url ? 'other JavaScript' : inherited;
}

/** A frame of a library or the app (not node internals, not a builtin) owns what it calls. */
function ownsCalls(frame: ProfileNode['callFrame']): boolean {
  return frame.url !== '' && !frame.url.startsWith('node:');
}

export function summariseProfile(path: string, processName: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const sampleCount = profile.samples?.length ?? profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0);
  const msPerSample = sampleCount > 0 ? (profile.endTime - profile.startTime) / US_PER_MS / sampleCount : 0;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const categories = new Map<string, number>();
  const functions = new Map<string, { name: string; where: string; ms: number }>();
  let busyMs = 0;

  const visit = (node: ProfileNode, inherited: string, inheritedOwner: string) => {
    const category = categoryOf(node.callFrame, inherited, inheritedOwner);
    const owner = ownsCalls(node.callFrame) ? category : inheritedOwner;
    const ms = (node.hitCount ?? 0) * msPerSample;
    if (ms > 0 && node.callFrame.functionName !== IDLE) {
      busyMs += ms;
      categories.set(category, (categories.get(category) ?? 0) + ms);
      const where = node.callFrame.url
        ? `${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`
        : 'native';
      const name = node.callFrame.functionName || '(anonymous)';
      const key = `${name}@${where}`;
      const entry = functions.get(key) ?? { name, where, ms: 0 };
      entry.ms += ms;
      functions.set(key, entry);
    }
    for (const childId of node.children ?? []) {
      const child = byId.get(childId);
      if (child) visit(child, category, owner);
    }
  };
  const root = profile.nodes[0];
  if (root) visit(root, 'V8/libuv native (syscalls, I/O)', 'node itself');

  const share = (ms: number) => Math.round((ms / Math.max(busyMs, Number.EPSILON)) * 1_000) / 10;
  return {
    process: processName,
    busyMs: Math.round(busyMs),
    categories: [...categories]
      .map(([category, ms]) => ({ category, ms: Math.round(ms), percent: share(ms) }))
      .sort((a, b) => b.ms - a.ms),
    topFunctions: [...functions.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, TOP_FUNCTIONS)
      .map((f) => ({ ...f, ms: Math.round(f.ms), percent: share(f.ms) })),
  };
}

/** `file:///…/node_modules/ws/lib/sender.js` → `ws/lib/sender.js`; app files from `apps/`. */
function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) return path.slice(modules + '/node_modules/'.length);
  const repo = /\/(apps|packages)\/.*$/.exec(path);
  return repo ? repo[0].slice(1) : path;
}
