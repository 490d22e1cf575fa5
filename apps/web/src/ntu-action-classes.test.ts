import { describe, expect, it } from 'vitest';
import { actionLabel, describeAction, ntuActionClassNames } from './ntu-action-classes.js';

// Expected names are the dataset papers' (NTU RGB+D, Shahroudy et al. 2016; NTU RGB+D 120, Liu et al. 2019).
describe('NTU action class names', () => {
  it('lists the 120 classes of NTU RGB+D 120 in label order', () => {
    expect(ntuActionClassNames).toHaveLength(120);
    expect(ntuActionClassNames[0]).toBe('drink water');
    expect(ntuActionClassNames[10]).toBe('reading');
    expect(ntuActionClassNames[57]).toBe('handshaking');
    expect(ntuActionClassNames[119]).toBe('finger-guessing game (playing rock-paper-scissors)');
  });

  it('labels and describes a 0-based index', () => {
    expect(actionLabel(57)).toBe('A058');
    expect(describeAction(0)).toBe('A001 drink water');
    expect(describeAction(120)).toBe('class 120');
  });
});
