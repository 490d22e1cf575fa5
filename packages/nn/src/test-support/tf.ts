// Test setup shared by this package's tests: the cpu backend with every gradient registered.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
export { toleranceRatio, goldenDir } from '@skelnorm/test-support';

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}


