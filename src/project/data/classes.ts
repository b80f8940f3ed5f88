/**
 * The one class mapping of the project: model class index 0..nc-1 <-> detect-waste COCO category id.
 * Written into data.yaml and every COCO file; other modules must go through it, never assume index+1.
 */
export interface ClassMapping {
  readonly name: string;
  /** names[i] is the name of model class i */
  readonly names: readonly string[];
  /** indexToCategoryId[i] is the COCO category id of model class i */
  readonly indexToCategoryId: readonly number[];
}

export const DETECT_WASTE_MAPPING: ClassMapping = Object.freeze({
  name: 'detect-waste',
  names: Object.freeze(['metals_and_plastic', 'other', 'non_recyclable', 'glass', 'paper', 'bio', 'unknown']),
  indexToCategoryId: Object.freeze([1, 2, 3, 4, 5, 6, 7]),
});

export function categoryIdToIndex(mapping: ClassMapping, categoryId: number): number | undefined {
  const i = mapping.indexToCategoryId.indexOf(categoryId);
  return i < 0 ? undefined : i;
}

export function indexToCategoryId(mapping: ClassMapping, index: number): number {
  const id = mapping.indexToCategoryId[index];
  if (id === undefined) throw new Error(`class index ${index} is outside 0..${mapping.names.length - 1} of mapping '${mapping.name}'`);
  return id;
}

/** COCO `categories` array for a mapping (ids are the COCO ids, not the indices). */
export function mappingToCocoCategories(mapping: ClassMapping): { id: number; name: string; supercategory: string }[] {
  return mapping.names.map((n, i) => ({ id: mapping.indexToCategoryId[i], name: n, supercategory: 'waste' }));
}

/** The plain-object form stored in data.yaml and COCO files (`class_mapping`). */
export function mappingToJson(mapping: ClassMapping): { name: string; index_to_category_id: Record<string, number>; names: Record<string, string> } {
  const idx: Record<string, number> = {};
  const names: Record<string, string> = {};
  mapping.names.forEach((n, i) => {
    idx[String(i)] = mapping.indexToCategoryId[i];
    names[String(i)] = n;
  });
  return { name: mapping.name, index_to_category_id: idx, names };
}

export function mappingFromJson(obj: unknown, where: string): ClassMapping {
  const o = obj as { name?: unknown; index_to_category_id?: unknown; names?: unknown };
  if (!o || typeof o !== 'object' || !o.index_to_category_id || typeof o.index_to_category_id !== 'object' || !o.names || typeof o.names !== 'object')
    throw new Error(`${where}: class_mapping must have 'index_to_category_id' and 'names' maps`);
  const idx = o.index_to_category_id as Record<string, unknown>;
  const nm = o.names as Record<string, unknown>;
  const n = Object.keys(nm).length;
  const names: string[] = [];
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const name = nm[String(i)];
    const id = Number(idx[String(i)]);
    if (typeof name !== 'string' || !Number.isInteger(id)) throw new Error(`${where}: class_mapping lacks a name or category id for class index ${i}`);
    names.push(name);
    ids.push(id);
  }
  if (new Set(ids).size !== ids.length) throw new Error(`${where}: class_mapping maps two class indices to one category id`);
  return { name: typeof o.name === 'string' ? o.name : 'custom', names, indexToCategoryId: ids };
}
