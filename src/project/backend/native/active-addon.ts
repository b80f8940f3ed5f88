import { loadAddon, type NativeAddon } from './addon';
import { fusedStepAvailable } from './optimizer-step';

/**
 * The addon when the native engine is the active tfjs backend (its kernels then read the tensors' own
 * memory), for plain-JS loops that have a native version (loss and head decoding); undefined elsewhere.
 */
export function activeAddon(): NativeAddon | undefined {
  return fusedStepAvailable() ? loadAddon() : undefined;
}
