import { errorSummary } from '../optional-import.js';
import { activate, isBackendRegistered } from './activate.js';
import { skip, type BackendLoader } from './backend-loader.js';

/** `@tensorflow/tfjs-backend-cpu`: plain JavaScript, always works, slowest; the reference in tests. */
export const cpuLoader: BackendLoader = {
  variant: 'cpu',
  async load() {
    if (!isBackendRegistered('cpu')) {
      try {
        await import('@tensorflow/tfjs-backend-cpu');
      } catch (error) {
        return skip(`@tensorflow/tfjs-backend-cpu is not available: ${errorSummary(error)}`);
      }
    }
    return activate('cpu', 'cpu (plain JavaScript)');
  },
};
