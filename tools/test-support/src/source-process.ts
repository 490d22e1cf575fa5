/**
 * Node arguments for a process that a test starts from TypeScript sources: tsx compiles the files,
 * and the `source` export condition sends `@skelnorm/*` to the siblings' sources (the workspace's
 * one resolution mechanism; see vitest.shared.ts), so no child ever runs a stale dist/.
 */
export const SOURCE_NODE_ARGS: readonly string[] = ['--conditions=source', '--import', 'tsx'];
