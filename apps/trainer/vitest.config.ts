import { packageTestConfig } from '../../vitest.shared.ts';

export default packageTestConfig({ timeoutMs: 300_000 });
