import { Redis } from 'ioredis';
import type { CommandIO } from '../command.js';
import type { QueueUrl } from './queue-url.js';

/** How long a lost Redis is waited for (reconnecting every `RETRY_MS`) before the command gives up. */
export const REDIS_OUTAGE_LIMIT_MS = 5 * 60_000;
const RETRY_MS = 1000;
const CONNECT_TIMEOUT_MS = 5000;

/** Redis could not be reached, or was lost for longer than the outage limit. */
export class QueueUnreachableError extends Error {
  override name = 'QueueUnreachableError';
}

/**
 * Connects to the queue's Redis, failing at once with a message that says where and why when it
 * cannot be reached (ioredis on its own would retry in silence forever). Once connected, a lost
 * connection is reported, retried every second and reported again when it is back; after
 * `REDIS_OUTAGE_LIMIT_MS` without Redis, commands fail with `QueueUnreachableError`.
 *
 * The connection suits BullMQ's blocking clients (`maxRetriesPerRequest: null`); BullMQ's
 * duplicates of it share the retry rule.
 */
export async function connectRedis(url: QueueUrl, io: CommandIO): Promise<Redis> {
  let connected = false;
  let lostSince: number | undefined;
  let lastReason = '';
  const redis = new Redis({
    host: url.host,
    port: url.port,
    db: url.db,
    ...(url.username ? { username: url.username } : {}),
    ...(url.password ? { password: url.password } : {}),
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: null,
    retryStrategy: () => {
      // The first connection fails fast: a typo in --queue must not look like a hang.
      if (!connected) return null;
      const now = Date.now();
      if (lostSince === undefined) {
        lostSince = now;
        io.err(`lost the connection to Redis at ${url.text} (${lastReason || 'connection closed'}); reconnecting every ${RETRY_MS / 1000} s for up to ${REDIS_OUTAGE_LIMIT_MS / 60_000} minutes (finished results stay in Redis)`);
      }
      if (now - lostSince > REDIS_OUTAGE_LIMIT_MS) {
        io.err(`gave up on Redis at ${url.text}: unreachable for ${Math.round((now - lostSince) / 1000)} s (${lastReason})`);
        return null;
      }
      return RETRY_MS;
    },
  });
  redis.on('error', (error: Error) => {
    lastReason = describeError(error);
  });
  redis.on('ready', () => {
    if (lostSince !== undefined) io.err(`Redis at ${url.text} is back after ${Math.round((Date.now() - lostSince) / 1000)} s; carrying on`);
    lostSince = undefined;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new QueueUnreachableError(
      `cannot reach Redis at ${url.text} (${lastReason || describeError(error)}). Start it on that machine (e.g. \`redis-server --port ${url.port}\`), ` +
        'or check the --queue address and that this machine may connect to it (bind address, firewall)',
    );
  }
  const version = /redis_version:(\d+)/.exec(await redis.info('server'))?.[1];
  if (version !== undefined && Number(version) < 5) {
    redis.disconnect();
    throw new QueueUnreachableError(`Redis at ${url.text} is version ${version}; the job queue (BullMQ) needs Redis 5 or newer (Debian: apt-get install redis-server)`);
  }
  connected = true;
  return redis;
}

/** `connect ECONNREFUSED 127.0.0.1:6390`, or an error's message. */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describeError(error.errors[0]);
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/** Fails now, with `connectRedis`'s message, when the queue cannot be reached: before anything slow is done or any folder made. */
export async function checkRedis(url: QueueUrl, io: CommandIO): Promise<void> {
  (await connectRedis(url, io)).disconnect();
}
