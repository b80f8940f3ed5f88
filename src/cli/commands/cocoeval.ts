import { Command } from 'commander';
import { numberListOption } from '../parse';

const HELP_AFTER = `
Identical to pycocotools' COCOeval(gt, dt, 'bbox') with default params (IoU .50:.05:.95, 101 recall
thresholds, maxDets 1/10/100, areas all/small/medium/large): the same 12 stats, bit for bit on the fixtures.

Input handling:
  result with an image id not in the GT images      error (pycocotools refuses too)
  result with a category id not in GT categories    ignored with a warning, as pycocotools does (--strict: error)
  box with negative width/height                    kept with a warning, as pycocotools does: it matches nothing
                                                    and is ignored outside every area range (--strict: error)
  empty results list []                             evaluated as "no detections": AP/AR 0 where there is GT,
                                                    -1 where there is none, with a warning (--strict: error);
                                                    pycocotools crashes on it
  NaN / negative / non-numeric score, non-finite bbox, missing field, duplicate GT annotation id: error
  naming the file and the entry. A -1 stat means "no GT for this setting", as in pycocotools.

Examples:
  npx taco cocoeval data/coco/val.json runs/detect/predict/predictions.json
  npx taco cocoeval gt.json dt.json --per-class
  npx taco cocoeval gt.json dt.json --json > stats.json`;

/** COCO ids: non-negative integers. */
const ID = { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER };

export function register(program: Command): void {
  program
    .command('cocoeval')
    .description('COCO bbox evaluation identical to pycocotools: 12 stats, per-class AP')
    .argument('<gt>', 'COCO ground-truth JSON (images, annotations with area and iscrowd, categories)')
    .argument('<dt>', 'COCO results JSON: [{image_id, category_id, bbox: [x, y, w, h], score}, ...]')
    .option('--per-class', 'also print AP@[.50:.95] per category, with names')
    .option('--json', 'print {"stats": [12], "per_category_ap": {id: AP}} at full float64 precision')
    .option('--strict', 'make the warnings (unknown category, negative-size box, empty results) errors')
    .option('--cat-ids <ids>', 'evaluate only these category ids (comma-separated), like params.catIds', numberListOption('cat-ids', ID))
    .option('--img-ids <ids>', 'evaluate only these image ids (comma-separated), like params.imgIds', numberListOption('img-ids', ID))
    .addHelpText('after', HELP_AFTER)
    .action(async (gtFile: string, dtFile: string, opts: { perClass?: boolean; json?: boolean; strict?: boolean; catIds?: number[]; imgIds?: number[] }) => {
      const { readCocoGt, readCocoResults, cocoEvaluate } = await import('../../project/eval/coco');
      const { formatPerClassTable } = await import('../../project/eval/coco/table');
      const gt = readCocoGt(gtFile);
      const { results, warnings } = readCocoResults(dtFile, gt, { strict: opts.strict });
      for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
      const r = cocoEvaluate(gt, results, { validated: true, catIds: opts.catIds, imgIds: opts.imgIds });
      if (opts.json) {
        const perCat: Record<string, number> = {};
        for (const id of r.catIds) perCat[String(id)] = r.perCategoryAp[id];
        console.log(JSON.stringify({ stats: r.stats, per_category_ap: perCat }));
        return;
      }
      console.log(r.summarize());
      if (opts.perClass) console.log(`\n${formatPerClassTable(r, gt)}`);
    });
}
