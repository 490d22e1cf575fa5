import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ntuSamplesDir } from '@skelnorm/test-support';
import { describe, expect, it } from 'vitest';
import { actionCode, describeAction, ntuActionClassNames } from './index.js';

describe('NTU action class names', () => {
  it('are the 120 classes of the shared class list, in label order', () => {
    const rows = readFileSync(join(ntuSamplesDir(), 'ntu_action_classes_A001-A120.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    expect(ntuActionClassNames).toHaveLength(120);
    expect(rows).toHaveLength(120);
    for (const [code, index, name] of rows) {
      expect(actionCode(Number(index))).toBe(code);
      expect(ntuActionClassNames[Number(index)]).toBe(name!.trim());
    }
  });

  it('describes a 0-based index', () => {
    expect(describeAction(0)).toBe('A001 drink water');
    expect(describeAction(57)).toBe('A058 handshaking');
    expect(describeAction(120)).toBe('class 120');
  });
});
