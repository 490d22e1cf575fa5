import { describe, expect, it } from 'vitest';
import { formatDuration } from './run-report.js';

describe('formatDuration', () => {
  it.each([
    [12.34, '12.3 s'],
    [59.96, '1 min 0 s'],
    [1139.6, '19 min 0 s'],
    [3725, '1 h 2 min'],
  ])('%d s reads %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});
