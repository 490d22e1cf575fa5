/** A state dict that does not fit a module: every problem is listed, not just the first. */
export class StateDictError extends Error {
  override name = 'StateDictError';

  constructor(
    moduleName: string,
    readonly missingKeys: readonly string[],
    readonly unexpectedKeys: readonly string[],
    readonly misShapedKeys: readonly string[],
  ) {
    const parts: string[] = [];
    if (missingKeys.length) parts.push(`missing keys (${missingKeys.length}): ${missingKeys.join(', ')}`);
    if (unexpectedKeys.length) parts.push(`unexpected keys (${unexpectedKeys.length}): ${unexpectedKeys.join(', ')}`);
    if (misShapedKeys.length) parts.push(`mis-shaped keys (${misShapedKeys.length}):\n  ${misShapedKeys.join('\n  ')}`);
    super(`Error(s) loading state dict into ${moduleName}:\n${parts.join('\n')}`);
  }
}
