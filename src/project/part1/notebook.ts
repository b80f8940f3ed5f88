import * as path from 'node:path';
import { PROJECT_ROOT } from './config';
import { Notebook, serializeNotebook, sourceLines, tslabNotebook, writeNotebookAtomic } from '../../notebook/runner/nbformat';

/**
 * Builds notebooks/Part1_MiniProject.ipynb: the seed's Part 1 headings and text, with thin code cells
 * that call src/project/part1. Write it with:
 *   npx tsx -e "require('./src/project/part1/notebook').writePart1Notebook()"
 * A test fails when the committed notebook drifts from this generator.
 */

interface Cell {
  id: string;
  cell_type: 'markdown' | 'code';
  metadata: Record<string, unknown>;
  source: string[];
  execution_count?: null;
  outputs?: unknown[];
}

const lines = sourceLines;

type Spec = ['md' | 'code', string];

const CELLS: Spec[] = [
  ['md', `# Part 1: Mini-Project

A YOLOv8 waste detector on TACO with the 7 detect-waste categories, in TypeScript and TensorFlow.js: the same steps as the original project (dataset, model, loss, optimization, training, test predictions, COCO evaluation, results), every number computed by the run.

## Table of Contents

- **Creating the Dataset**: Downloading the data · Data Directory Preprocessing · Datasets creation
- **Creating the Model**: YOLOv8 · Model Architecture · Loss function · Optimization
- **Evaluating the Model**: Predicting on the test set · COCO evaluation
- **Results and Discussion**: Training and Validation results · YOLO test results · COCO evaluation results

**Configuration.** The next cell reads every setting from environment variables. With none set, it runs the quick demo: the SYNTHETIC TACO-mini (generated here, 48 images), YOLOv8n at 160x160 for 30 epochs on the fastest CPU engine available (the native oneDNN engine when it is built, about a minute; else wasm, a few minutes). The real experiment is the same notebook on a GPU server with \`TACO_DIR\` set, which switches the defaults to YOLOv8x, 100 epochs, 640x640:

\`\`\`sh
TACO_DIR=/data/TACO TACO_BACKEND=tensorflow npx taco nb run notebooks/Part1_MiniProject.ipynb --timeout 86400
\`\`\`

(\`TACO_MODEL\`, \`TACO_EPOCHS\`, \`TACO_IMGSZ\`, \`TACO_BATCH\`, \`TACO_BACKEND\` override each default.) As in the original project, the training cell loads the trained checkpoint of this configuration when it exists; set \`RETRAIN=1\` to train again.`],
  ['code', `import * as path from "node:path";
import { show, tableBundle, plotlyBundle, imageBundleFrom } from "../src/notebook/display";
import type { PlotlyFigure } from "../src/notebook/display";
import { renderMarkdown } from "../src/notebook/display/math";
import { describeBackend, initBackend } from "../src/project/backend/init";
import { preparedStats, readDataYaml } from "../src/project/data";
import * as p1 from "../src/project/part1";

const cfg = p1.part1Config();
show(tableBundle(p1.configRows(cfg), { caption: "Configuration (environment variable overrides)" }));
console.log(describeBackend(await initBackend({ backend: cfg.backend })));`],

  ['md', `## Creating the Datasets

### Downloading the data
As in the original project, we use the stable version of the TACO dataset (1500 images, 4784 annotations; images from https://github.com/pedropro/TACO) with the annotations of the detect-waste project (https://github.com/wimlds-trojmiasto/detect-waste, \`annotations_train.json\` and \`annotations_test.json\`), which map TACO's classes to 7 detect-waste categories: bio, glass, metals_and_plastic, non_recyclable, other, paper, unknown.

Downloading needs the internet, so it is off by default: set \`TACO_DOWNLOAD=1\` with \`TACO_DIR\` pointing at a TACO checkout (its \`data/annotations.json\` holds the image URLs). The downloader is concurrent, retried, resumable and verifies every image. Without \`TACO_DIR\`, the next cells generate TACO-mini: synthetic images of "litter" shapes in TACO's folder layout, with detect-waste style annotation files, so every later step runs unchanged.`],
  ['code', `if (cfg.download) console.log(await p1.downloadForConfig(cfg));
else console.log(\`download skipped (off by default; TACO_DOWNLOAD=1 with TACO_DIR set fetches TACO's images)\`);`],

  ['md', `### Data Directory Preprocessing
The original project edited the data directory in two steps before uploading it to Roboflow. Here \`prepareDataset\` (\`src/project/data/prepare.ts\`, also \`npx taco data prepare\`) does them locally:
1. **Flattening**: TACO keeps its images in 15 folders \`batch_1\` ... \`batch_15\` with names that repeat between folders; every image gets a unique flat name (\`batch_1/000006.jpg\` -> \`batch_1_000006.jpg\`) and the annotations follow.
2. **Splitting** by the detect-waste annotation files: their train part becomes train + validation, their test part the test set. Images the annotation files list but TACO does not publish (\`dumped/\`) are skipped and counted.`],
  ['code', `const prep = await p1.prepareForConfig(cfg);
const dataYaml = p1.dataYamlOf(cfg);
const nc = readDataYaml(dataYaml).nc;
show(tableBundle(p1.preprocessingRows(prep), { caption: \`\${prep.synthetic ? "TACO-mini (SYNTHETIC)" : "TACO"} -> \${path.relative(cfg.root, cfg.dataOut)}: flatten and split\` }));
show(tableBundle(p1.flattenExamples(cfg.dataOut), { caption: "Flat names" }));`],

  ['md', `### Datasets creation
The original project used Roboflow to resize every image to 640x640 and auto-orient it (apply the EXIF rotation, so boxes and pixels agree), and to split the training part 90/10 into train and validation. The same steps run here with a seed, writing an ultralytics YOLO folder (\`images/\`, \`labels/\`, \`data.yaml\`) and COCO files of every split in both the 640 frame and the original frame.`],
  ['code', `const stats = preparedStats(cfg.dataOut);
show(tableBundle(p1.splitRows(stats), { caption: "Splits (COCO size buckets: small < 32², medium < 96², large, on the annotation area)", digits: 2 }));
show(tableBundle(p1.classRows(stats), { caption: "Boxes per class" }));
const dsFigs = p1.datasetFigures(cfg.dataOut, stats);
show(plotlyBundle(dsFigs.classes as PlotlyFigure));
show(plotlyBundle(dsFigs.boxesPerImage as PlotlyFigure));
show(plotlyBundle(dsFigs.boxShapes as PlotlyFigure));`],
  ['code', `// A few training images as the model sees them after preprocessing, with their ground-truth boxes.
const samples = await p1.sampleImagesWithBoxes(dataYaml, "train", 6);
show((await imageBundleFrom(samples, { alt: "training images with their boxes" })).bundle);`],

  ['md', `## Creating the Model
### YOLOv8
As in the original project we custom-train YOLOv8, one of the leading models for detection, at the scale the configuration names (the original used the largest, YOLOv8x, for 100 epochs). The number of epochs weighs three things: the best validation result, avoiding overfitting to the training set, and the time and resources a run costs.

As the original project did (\`YOLO('yolov8x')\`), training starts from ultralytics' COCO-pretrained checkpoint of the scale, read straight from its \`.pt\` file (no Python): every tensor whose shape fits is transferred, and the last convolution of each class branch, made for COCO's 80 classes, starts fresh for TACO's 7 (for YOLOv8n the whole class branch, whose width max(64, nc) follows the number of classes). \`TACO_WEIGHTS\` picks other weights (a path or a name) or \`none\` (from scratch); the quick demo starts from COCO weights only when \`npx taco weights fetch yolov8n\` has put them in the cache, and never downloads.

The next cell trains with ultralytics' recipe (mosaic, random affine, HSV and flip augmentation, warmup, EMA, validation every epoch, \`results.csv\`, \`weights/best\` and \`weights/last\`), or, when a finished run of this configuration exists, loads it instead (\`RETRAIN=1\` trains again; an interrupted run is resumed).`],
  ['code', `const run = await p1.trainOrReuse(cfg, dataYaml);
const lastRow = run.rows[run.rows.length - 1];
show(tableBundle([{ run: path.relative(cfg.root, run.runDir), how: run.how, epochs: run.rows.length, "seconds": Math.round(run.seconds), "val mAP50 (last)": lastRow["metrics/mAP50(B)"], "val mAP50-95 (last)": lastRow["metrics/mAP50-95(B)"], weights: path.relative(cfg.root, run.best) }], { digits: 3 }));
// What the pretrained checkpoint gave the model (nothing, when trained from scratch).
console.log(p1.transferSummary(run.transfer));
if (run.transfer) show(tableBundle(p1.transferRows(run.transfer), { caption: "Tensors not transferred" }));`],

  ['md', `### Model Architecture
YOLOv8 has a backbone and a head. The backbone is a stack of strided convolutions and C2f blocks (cross-stage partial bottlenecks with extra residual connections) ending in an SPPF block (spatial pyramid pooling, fast); the neck merges its features top-down and bottom-up (FPN + PAN), and the anchor-free Detect head predicts, at strides 8, 16 and 32, a class score per class and each box side as a distribution over 16 bins (DFL). What changed from earlier YOLOs: no anchor boxes (faster), the C2f blocks, and new loss functions.

The table is ultralytics' model summary computed from the same definition the model is built from (\`src/project/model\`), and the diagram is drawn from it too, at this configuration's image size.`],
  ['code', `const ms = p1.modelSummary(cfg.model, nc, cfg.imgsz);
show(tableBundle(p1.summaryRows(ms), { caption: p1.summaryCaption(ms), digits: 3 }));
show((await imageBundleFrom(await p1.architecturePng(cfg.model, nc, cfg.imgsz), { alt: "YOLOv8 architecture", width: 1000 })).bundle);`],

  ['md', `#### Loss function
The loss combines a box part and a classification part. The box part has two terms: an IoU loss (Complete IoU) and the Distribution Focal Loss, which measures box quality through the predicted distributions of the box sides. The math, as \`src/project/loss\` computes it:`],
  ['code', `show(renderMarkdown(p1.lossMarkdown()));`],
  ['md', `The code of the box (CIoU), DFL and classification (BCE) terms and of the function that combines them, read from \`src/\` when this cell runs, so it is always the code that trained the model:`],
  ['code', `show(renderMarkdown(p1.sourceMarkdown(p1.LOSS_SOURCES)));`],

  ['md', `#### Optimization
Like ultralytics, the trainer builds three parameter groups (biases, weights with decay, BatchNorm weights without decay), warms the learning rate up over the first iterations (the bias group from a high start down, the others up from zero) and then decays it linearly to \`lr0 * lrf\`. ultralytics' \`optimizer=auto\` picks AdamW (an Adam variant with decoupled weight decay, first-order and adaptive per parameter) for short runs and SGD with Nesterov momentum for long ones. The table compares this run's settings with ultralytics' defaults, and the plot shows the learning rate of every iteration.`],
  ['code', `show(tableBundle(p1.optimizerRows(cfg, prep.images.train, nc), { caption: "Optimizer" }));
show(plotlyBundle(p1.lrScheduleFigure(p1.scheduleInput(cfg, prep.images.train, nc)) as PlotlyFigure));`],

  ['md', `## Evaluating the Model
### Predicting on the test set
After training, the original project ran \`YOLO.val()\` on the unseen test set. The same validation runs here on the test split (NMS at confidence 0.001, IoU 0.7, as ultralytics' validator; P and R at the confidence of the best mean F1), followed by a few test images with the predictions above confidence 0.25 drawn.`],
  ['code', `const gtTest = p1.readCocoGt(p1.cocoGtFile(cfg.dataOut, "test", cfg.prepareImgsz));
const testEval = await p1.evaluateSplit(run.best, dataYaml, "test", { imgsz: cfg.imgsz, batch: cfg.batch, gt: gtTest });
show(tableBundle(p1.metricsRows(testEval), { caption: \`Test split: \${testEval.validation.metrics.images} images, \${testEval.imagesPerSecond.toFixed(1)} images/s\`, digits: 3 }));
show((await imageBundleFrom(await p1.predictionGrid(testEval, 6, 0.25), { alt: "test images with predictions" })).bundle);`],

  ['md', `### COCO evaluation
For a second view, the detections on the test set are saved in COCO results format and compared with the test ground-truth annotations by COCOeval (\`src/project/eval/coco\`, identical to pycocotools, bit for bit on its fixtures), in the 640x640 frame of the prepared images.`],
  ['code', `const coco = p1.cocoEvaluation(testEval, gtTest);
show(tableBundle(p1.cocoStatRows(coco), { caption: "COCOeval stats (bbox)", digits: 3 }));
console.log(coco.summarize());
show(tableBundle(p1.perClassApRows(coco, gtTest), { caption: "AP per category (test)", digits: 3 }));`],

  ['md', `## Results and Discussion
### Training and Validation results
During training the model is validated after each epoch on the validation subset. It is part of the training data but the model never trains on it, so it does not change the weights directly; since we choose the model's size, epochs and hyperparameters by it, the test results below come from the separate test set only. The curves are ultralytics' \`results.png\`: losses (box, cls, dfl) for training and validation, precision, recall, mAP50 and mAP50-95 per epoch, with a smoothed line.`],
  ['code', `show(plotlyBundle(p1.resultsFigure(run.rows) as PlotlyFigure));`],
  ['md', `The confusion matrix of the validation set (counts, then normalized per true class): rows are the predicted class, columns the true class, and the background row and column hold missed objects and false detections (confidence > 0.25, IoU > 0.45). This pass reloads \`weights/best.safetensors\` and preprocesses the images as \`npx taco val\` does, so on a split this small its numbers can differ a little from the trainer's last row in \`results.csv\` (which validates the in-memory EMA weights on its own resized copies).`],
  ['code', `const gtVal = p1.readCocoGt(p1.cocoGtFile(cfg.dataOut, "val", cfg.prepareImgsz));
const valEval = await p1.evaluateSplit(run.best, dataYaml, "val", { imgsz: cfg.imgsz, batch: cfg.batch, gt: gtVal });
show(tableBundle(p1.metricsRows(valEval), { caption: "Validation split (best weights)", digits: 3 }));
for (const fig of p1.confusionFigures(valEval)) show(plotlyBundle(fig as PlotlyFigure));`],

  ['md', `### YOLO test results
The same matrices on the test set.`],
  ['code', `for (const fig of p1.confusionFigures(testEval)) show(plotlyBundle(fig as PlotlyFigure));`],

  ['md', `### COCO evaluation results and discussion
The discussion below is written by \`src/project/part1/discussion.ts\` from this run's numbers (results.csv, the test metrics, the COCO stats and the test confusion matrix), so it always describes the run above.`],
  ['code', `const m = testEval.validation.metrics;
const facts: p1.RunFacts = {
  synthetic: prep.synthetic, model: cfg.model, epochs: cfg.epochs, imgsz: cfg.imgsz,
  images: { train: prep.images.train, val: prep.images.val, test: prep.images.test },
  rows: run.rows,
  test: { p: m.p, r: m.r, map50: m.map50, map: m.map, perClass: m.perClass.map((c) => ({ name: c.name, instances: c.instances, map50: c.map50, map: c.map })) },
  cocoStats: coco.stats,
  confusion: { names: [...testEval.data.names, "background"], counts: testEval.validation.confusion.toRows(false) },
};
show(renderMarkdown(p1.discussionMarkdown(facts)));`],
];

export function buildPart1Notebook(): Notebook {
  const cells: Cell[] = CELLS.map(([kind, src], i) => {
    const id = `p1-${String(i).padStart(3, '0')}`;
    return kind === 'md'
      ? { id, cell_type: 'markdown', metadata: {}, source: lines(src) }
      : { id, cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: lines(src) };
  });
  return tslabNotebook(cells);
}

export function part1NotebookJson(): string {
  return serializeNotebook(buildPart1Notebook());
}

export const PART1_NOTEBOOK = path.join(PROJECT_ROOT, 'notebooks', 'Part1_MiniProject.ipynb');

/** Writes the notebook (name.tmp, then rename). */
export function writePart1Notebook(file = PART1_NOTEBOOK): string {
  writeNotebookAtomic(file, buildPart1Notebook());
  return file;
}
