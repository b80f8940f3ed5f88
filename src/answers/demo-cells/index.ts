import { backpropDemoCells } from './backprop';
import { cnnDemoCells } from './cnn';
import { dropoutDemoCells } from './dropout';
import { lossesDemoCells } from './losses';
import { optimizationDemoCells } from './optimization';
import { sequenceDemoCells } from './sequence';
import { unsupervisedDemoCells } from './unsupervised';
import { DemoCell } from '../types';

/**
 * The graded demo cells of the Part 2 notebook, by question id: [source, grade id, points]. Each cell runs a
 * demo from src/demos, shows its numbers, and asserts every number the answer quotes (with the tolerance
 * given there), so a broken demo fails its check. Each cell is a block, so names never clash. One file per
 * topic, as in src/answers; part2-notebook.ts writes them as code cells with nbgrader metadata.
 */
export const DEMO_CELLS: Record<string, DemoCell[]> = {
  ...cnnDemoCells,
  ...dropoutDemoCells,
  ...lossesDemoCells,
  ...optimizationDemoCells,
  ...backpropDemoCells,
  ...sequenceDemoCells,
  ...unsupervisedDemoCells,
};
