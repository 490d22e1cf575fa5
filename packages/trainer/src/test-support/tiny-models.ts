// The model factory that worker replicas load in tests (ModelSpec.module).
import type { Module } from '@skelnorm/nn';
import { TinyNet } from './tiny.js';

export function createModel(name: string, options: { classes?: number; hidden?: number; seed?: number } = {}): Module {
  if (name !== 'tiny') throw new Error(`tiny-models: unknown model '${name}'`);
  return new TinyNet(options.classes, options.hidden, options.seed);
}
