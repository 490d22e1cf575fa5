import { packageTestConfig } from '../../vitest.shared';

export default packageTestConfig({ timeoutMs: 300_000 });
