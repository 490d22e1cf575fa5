import { UsageError } from '../command.js';

/** Where the job queue lives: one Redis server (and database) that every machine of a lab reaches. */
export interface QueueUrl {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  /** `redis://host:port/db`, as the user gave it (without a password), for messages. */
  readonly text: string;
  readonly password?: string;
  readonly username?: string;
}

/**
 * Parses `--queue redis://HOST:PORT[/DB]` (port 6379 and database 0 when left out; a
 * `redis://user:password@host` login is passed to Redis and kept out of every message).
 */
export function parseQueueUrl(text: string, flag = '--queue'): QueueUrl {
  const expected = `${flag} expects redis://HOST:PORT[/DB], e.g. redis://127.0.0.1:6379/0`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${expected}; got '${text}'`);
  }
  if (url.protocol !== 'redis:') throw new UsageError(`${expected}; got '${text}' (scheme ${url.protocol.replace(/:$/, '')})`);
  if (url.hostname === '') throw new UsageError(`${expected}; got '${text}' (no host)`);
  const port = url.port === '' ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!/^\d*$/.test(dbText) || !Number.isInteger(db) || db < 0 || db > 15) {
    throw new UsageError(`${expected}; got '${text}' (database '${dbText}': a number 0-15)`);
  }
  if (url.search !== '' || url.hash !== '') throw new UsageError(`${expected}; got '${text}' (no ?query or #fragment)`);
  // IPv6 hosts come back in brackets; Redis wants them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    port,
    db,
    text: `redis://${url.hostname}:${port}/${db}`,
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
  };
}
