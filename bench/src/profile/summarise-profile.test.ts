import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summariseProfile } from './summarise-profile.js';

const frame = (functionName: string, url = '') => ({
  functionName,
  url,
  lineNumber: 0,
  scriptId: '0',
  columnNumber: 0,
});

describe('summariseProfile', () => {
  it('puts self time in categories; a builtin without a name it knows inherits its caller’s', () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), hitCount: 0, children: [2, 3, 6, 7] },
        { id: 2, callFrame: frame('(idle)'), hitCount: 50 },
        {
          id: 3,
          callFrame: frame('safeParse', 'file:///x/node_modules/zod/v4/core/parse.js'),
          hitCount: 10,
          children: [4],
        },
        { id: 4, callFrame: frame('someBuiltin'), hitCount: 10 },
        { id: 5, callFrame: frame('parse'), hitCount: 10 },
        {
          id: 6,
          callFrame: frame('onMessage', 'file:///repo/apps/gateway/dist/stream/stream-session.js'),
          hitCount: 10,
          children: [5],
        },
        { id: 7, callFrame: frame('(garbage collector)'), hitCount: 10 },
      ],
      startTime: 0,
      endTime: 100_000,
      samples: Array.from({ length: 100 }, () => 1),
    };
    const path = join(tmpdir(), `summarise-profile-test-${process.pid}.cpuprofile`);
    writeFileSync(path, JSON.stringify(profile));
    const summary = summariseProfile(path, 'gateway');
    expect(summary.busyMs).toBe(50);
    expect(summary.categories).toEqual([
      { category: 'zod (schema parsing)', ms: 20, percent: 40 },
      { category: 'app code', ms: 10, percent: 20 },
      { category: 'JSON.parse', ms: 10, percent: 20 },
      { category: 'garbage collection', ms: 10, percent: 20 },
    ]);
    expect(summary.topFunctions[0]).toMatchObject({ name: 'safeParse', where: 'zod/v4/core/parse.js:1' });
  });

  it('names a socket write by the library that asked for it, past node’s stream plumbing', () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), hitCount: 0, children: [2] },
        {
          id: 2,
          callFrame: frame('publish', 'file:///x/node_modules/@nats-io/nats-core/lib/nats.js'),
          hitCount: 0,
          children: [3],
        },
        {
          id: 3,
          callFrame: frame('writeGeneric', 'node:internal/stream_base_commons'),
          hitCount: 1,
          children: [4],
        },
        { id: 4, callFrame: frame('writeBuffer'), hitCount: 3 },
      ],
      startTime: 0,
      endTime: 4_000,
      samples: [3, 4, 4, 4],
    };
    const path = join(tmpdir(), `summarise-profile-writes-${process.pid}.cpuprofile`);
    writeFileSync(path, JSON.stringify(profile));
    expect(summariseProfile(path, 'media-bridge').categories).toEqual([
      { category: 'socket writes (syscalls) for NATS client', ms: 3, percent: 75 },
      { category: 'sockets and streams (node)', ms: 1, percent: 25 },
    ]);
  });
});
