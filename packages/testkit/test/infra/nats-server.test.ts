import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { AckPolicy, jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type NatsServer, startNatsServer } from '../../src/infra/index.js';
import { useEnv } from '../support/env.js';
import { SYSTEM_NATS_URL } from '../support/paths.js';
import { argumentAfter, serverOnPort } from '../support/processes.js';

/** Resolves on the connection's next status event of this type (subscribe before causing it). */
async function nextStatus(nc: NatsConnection, type: string): Promise<void> {
  for await (const status of nc.status()) {
    if (status.type === type) return;
  }
  throw new Error(`connection closed before a '${type}' status`);
}

/** Publishes to and consumes from a fresh JetStream stream with a durable pull consumer. */
async function jetStreamRoundTrip(nc: NatsConnection, stream: string, payloads: string[]): Promise<string[]> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: stream, subjects: [`${stream}.>`], storage: StorageType.File });
  await jsm.consumers.add(stream, { durable_name: 'reader', ack_policy: AckPolicy.Explicit });
  const js = jetstream(nc);
  for (const payload of payloads) await js.publish(`${stream}.event`, payload);
  return consumeAll(nc, stream, payloads.length);
}

async function consumeAll(nc: NatsConnection, stream: string, count: number): Promise<string[]> {
  const consumer = await jetstream(nc).consumers.get(stream, 'reader');
  const received: string[] = [];
  const messages = await consumer.fetch({ max_messages: count, expires: 10_000 });
  for await (const message of messages) {
    received.push(message.string());
    message.ack();
  }
  return received;
}

describe('startNatsServer', () => {
  const setEnv = useEnv();
  const connections: NatsConnection[] = [];
  const servers: NatsServer[] = [];
  afterEach(async () => {
    await Promise.all(connections.splice(0).map((nc) => nc.close()));
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });
  const track = <T extends NatsConnection | NatsServer>(list: T[], item: T): T => {
    list.push(item);
    return item;
  };

  it('uses TEST_NATS_URL as is, without probing Docker, and refuses to restart or kill it', async () => {
    setEnv('TEST_NATS_URL', SYSTEM_NATS_URL);
    const detectDocker = vi.fn(async () => true);
    const server = await startNatsServer({ detectDocker });
    expect(server).toMatchObject({ url: SYSTEM_NATS_URL, source: 'env' });
    expect(detectDocker).not.toHaveBeenCalled();
    await expect(server.restart()).rejects.toThrow(/cannot restart .*TEST_NATS_URL/);
    await expect(server.kill()).rejects.toThrow(/cannot kill .*TEST_NATS_URL/);
    await server.stop();

    const nc = track(connections, await connect({ servers: server.url }));
    const subscription = nc.subscribe(`testkit.env.${process.pid}`, { max: 1 });
    nc.publish(`testkit.env.${process.pid}`, 'ping');
    for await (const message of subscription) expect(message.string()).toBe('ping');
  });

  it('starts a private nats-server with JetStream when there is no URL and no Docker, and ends it on stop()', async () => {
    setEnv('TEST_NATS_URL', undefined);
    const server = await startNatsServer({ detectDocker: async () => false });
    expect(server.source).toBe('local-binaries');
    const port = new URL(server.url).port;
    expect(port).not.toBe('4222');
    const storeDir = argumentAfter(serverOnPort('nats-server', port), '-sd');
    expect(existsSync(storeDir)).toBe(true);
    // Named after its owner, so a later run can sweep it if this process dies without stop().
    expect(basename(storeDir)).toMatch(new RegExp(`^testkit-nats-${process.pid}-`));

    const nc = track(connections, await connect({ servers: server.url }));
    await expect(jetStreamRoundTrip(nc, 'ROUNDTRIP', ['a', 'b'])).resolves.toEqual(['a', 'b']);
    await nc.close();

    await server.stop();
    expect(serverOnPort('nats-server', port)).toBeUndefined();
    expect(existsSync(storeDir)).toBe(false);
    await expect(connect({ servers: server.url, reconnect: false, timeout: 2_000 })).rejects.toThrow();
  });

  it('restart() keeps the port and JetStream data, and a connected client reconnects', async () => {
    const server = track(servers, await startNatsServer({ env: {}, detectDocker: async () => false }));
    const nc = track(
      connections,
      await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 }),
    );
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'DURABLE', subjects: ['DURABLE.>'], storage: StorageType.File });
    await jsm.consumers.add('DURABLE', { durable_name: 'reader', ack_policy: AckPolicy.Explicit });
    await jetstream(nc).publish('DURABLE.event', 'before restart');
    const port = new URL(server.url).port;
    const before = serverOnPort('nats-server', port);
    expect(before).toBeDefined();

    const reconnected = nextStatus(nc, 'reconnect');
    await server.restart();
    await reconnected;

    const after = serverOnPort('nats-server', port);
    expect(after?.pid).toBeDefined();
    expect(after?.pid).not.toBe(before?.pid);
    expect(argumentAfter(after, '-sd')).toBe(argumentAfter(before, '-sd'));
    expect((await jsm.streams.info('DURABLE')).state.messages).toBe(1);
    await jetstream(nc).publish('DURABLE.event', 'after restart');
    await expect(consumeAll(nc, 'DURABLE', 2)).resolves.toEqual(['before restart', 'after restart']);
  });

  it('kill() ends the server abruptly and restart() brings it back with its data', async () => {
    const server = track(servers, await startNatsServer({ env: {}, detectDocker: async () => false }));
    const port = new URL(server.url).port;
    const first = track(connections, await connect({ servers: server.url }));
    const jsm = await jetstreamManager(first);
    await jsm.streams.add({ name: 'CRASH', subjects: ['CRASH.>'], storage: StorageType.File });
    await jetstream(first).publish('CRASH.event', 'survives a crash');
    await first.close();

    await server.kill();
    expect(serverOnPort('nats-server', port)).toBeUndefined();
    await expect(connect({ servers: server.url, reconnect: false, timeout: 2_000 })).rejects.toThrow();

    await server.restart();
    const second = track(connections, await connect({ servers: server.url }));
    expect((await (await jetstreamManager(second)).streams.info('CRASH')).state.messages).toBe(1);
  });
});
