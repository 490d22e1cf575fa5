export { CHROMIUM_SWIFTSHADER_ICD, dawnSwiftShaderEnv } from './swiftshader-env.js';
export type { SwiftShaderEnv } from './swiftshader-env.js';
