import { describe, expect, it } from 'vitest';
import { parseQueueUrl } from './queue-url.js';

describe('--queue redis://HOST:PORT[/DB]', () => {
  it('reads host, port and database, with Redis defaults for what is left out', () => {
    expect(parseQueueUrl('redis://lab-redis:6390/2')).toEqual({ host: 'lab-redis', port: 6390, db: 2, text: 'redis://lab-redis:6390/2' });
    expect(parseQueueUrl('redis://10.0.0.5')).toEqual({ host: '10.0.0.5', port: 6379, db: 0, text: 'redis://10.0.0.5:6379/0' });
    expect(parseQueueUrl('redis://[::1]:7000/')).toMatchObject({ host: '::1', port: 7000, db: 0 });
  });

  it('passes a login to Redis and keeps it out of the text used in messages', () => {
    const url = parseQueueUrl('redis://lab:s%40cret@host:6379/1');
    expect(url).toMatchObject({ username: 'lab', password: 's@cret', text: 'redis://host:6379/1' });
  });

  it('refuses what is not a Redis address, saying what was expected', () => {
    expect(() => parseQueueUrl('127.0.0.1:6379')).toThrow(/--queue expects redis:\/\/HOST:PORT\[\/DB\].*got '127\.0\.0\.1:6379'/);
    expect(() => parseQueueUrl('http://host:6379')).toThrow(/scheme http/);
    expect(() => parseQueueUrl('redis://host:6379/x')).toThrow(/database 'x': a number 0-15/);
    expect(() => parseQueueUrl('redis://host:6379/16')).toThrow(/database '16'/);
    expect(() => parseQueueUrl('redis://host:6379/0?tls=1')).toThrow(/no \?query/);
  });
});
