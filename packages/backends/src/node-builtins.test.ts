import { describe, expect, it } from 'vitest';
import { linuxLibraryAvailable } from './node-builtins.js';

describe.runIf(process.platform === 'linux')('linuxLibraryAvailable', () => {
  it('finds the C library and not a library that does not exist', async () => {
    expect(await linuxLibraryAvailable('libc.so.6')).toBe(true);
    expect(await linuxLibraryAvailable('libskelnorm-none.so.9')).toBe(false);
  });

  it('looks in LD_LIBRARY_PATH', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/skelnorm-lib-');
    writeFileSync(`${dir}/libskelnorm-test.so.1`, '');
    const before = process.env['LD_LIBRARY_PATH'];
    try {
      expect(await linuxLibraryAvailable('libskelnorm-test.so.1')).toBe(false);
      process.env['LD_LIBRARY_PATH'] = `/nonexistent:${dir}`;
      expect(await linuxLibraryAvailable('libskelnorm-test.so.1')).toBe(true);
    } finally {
      if (before === undefined) delete process.env['LD_LIBRARY_PATH'];
      else process.env['LD_LIBRARY_PATH'] = before;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
