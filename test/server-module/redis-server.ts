/**
 * A real Debian `redis-server` on a free loopback port, no persistence, for one
 * test file. `stop()` and `start()` again on the same port simulate an outage.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export class RedisServer {
  private child: ChildProcess | undefined;
  private readonly clients = new Set<Redis>();

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.start();
    return server;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    this.child = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${output}`)), 10_000);
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }

  /** A client that fails fast while Redis is down, instead of retrying commands for long. */
  client(protocol: 2 | 3 = 3): Redis {
    const client = new Redis({
      protocol,
      port: this.port,
      host: '127.0.0.1',
      maxRetriesPerRequest: 1,
      retryStrategy: () => 100,
    });
    client.on('error', () => {});
    this.clients.add(client);
    return client;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  }

  /** Stops the server and disconnects every client handed out. */
  async dispose(): Promise<void> {
    for (const client of this.clients) client.disconnect();
    this.clients.clear();
    await this.stop();
  }
}
