import { Generator, defaultGenerator, type Module } from '@skelnorm/nn';

/**
 * Every random generator whose state a checkpoint must keep: nn's `defaultGenerator` (as
 * `default`) and each `Generator` held in a field of a module of `model` (models keep their own
 * for dropout masks), named `<module path>#<field>`, each instance once.
 */
export function collectGenerators(model: Module): Record<string, Generator> {
  const out: Record<string, Generator> = { default: defaultGenerator };
  const seen = new Set<Generator>([defaultGenerator]);
  for (const [path, module] of model.namedModules()) {
    for (const [field, value] of Object.entries(module)) {
      if (value instanceof Generator && !seen.has(value)) {
        seen.add(value);
        out[`${path}#${field}`] = value;
      }
    }
  }
  return out;
}
