#!/usr/bin/env node
// @ts-check
/*
 * Starts tslab's kernel so that a notebook in notebooks/ can `import ... from "../src/..."`.
 *
 * Why: tslab compiles a cell as the virtual file <cwd>/__tslab__.ts with `rootDir: cwd`, so with
 * cwd = the notebook's folder (what Jupyter uses) every file outside it fails with TS6059 "is not
 * under rootDir". Here tslab's compiler sees the project root (or whatever folder holds both the
 * notebook and the project) as its directory, while the cells keep the notebook's folder for module
 * resolution (compile time) and for process.cwd() and require() (run time). Nothing else changes.
 *
 * Plain JavaScript so that Jupyter can start it with `node` alone (a kernel.json argv), no tsx.
 * Usage: node tslab-kernel.js kernel --config-path <connection file>
 */
const path = require('node:path');

const projectRoot = path.resolve(__dirname, '..', '..', '..');

/** Deepest folder that holds both a and b. */
function commonAncestor(a, b) {
  const pa = path.resolve(a).split(path.sep);
  const pb = path.resolve(b).split(path.sep);
  let i = 0;
  while (i < pa.length && i < pb.length && pa[i] === pb[i]) i++;
  return pa.slice(0, i).join(path.sep) || path.sep;
}

function main() {
  const args = process.argv.slice(2);
  const at = args.indexOf('--config-path');
  if (args[0] !== 'kernel' || at < 0 || !args[at + 1]) {
    process.stderr.write('usage: node tslab-kernel.js kernel --config-path <connection file>\n');
    process.exit(2);
  }
  const configPath = path.resolve(args[at + 1]);
  const notebookDir = process.cwd();
  const compileRoot = commonAncestor(notebookDir, projectRoot);

  const tslabMain = require.resolve('tslab/dist/main.js', { paths: [projectRoot] });
  const tsFile = require.resolve('@tslab/typescript-for-tslab', { paths: [path.dirname(tslabMain)] });
  const ts = require(tsFile);
  if (typeof ts.createWatchCompilerHost !== 'function' || typeof ts.resolveModuleName !== 'function' || !ts.sys) {
    throw new Error('tslab-kernel: this tslab bundles an unexpected TypeScript; use tslab 1.0.22');
  }

  {
    // The converter reads its directory once, from ts.sys, when it is created.
    ts.sys.getCurrentDirectory = () => compileRoot;
    const asIfIn = path.join(notebookDir, '__tslab__.ts');
    const isVirtual = (/** @type {string} */ f) => path.dirname(f) === compileRoot && /^__(tslab|prev)__\.(d\.)?[tj]s$/.test(path.basename(f));
    const createHost = ts.createWatchCompilerHost;
    /** @param {any[]} a */
    const createWatchCompilerHost = (...a) => {
      const host = createHost(...a);
      const cache = ts.createModuleResolutionCache(compileRoot, (/** @type {string} */ s) => s, a[1]);
      host.resolveModuleNames = (/** @type {string[]} */ names, /** @type {string} */ containingFile, /** @type {unknown} */ _reused, /** @type {any} */ redirected, /** @type {any} */ options) =>
        names.map((name) => {
          const resolve = (/** @type {string} */ from) => ts.resolveModuleName(name, from, options, host, cache, redirected).resolvedModule;
          // Cells resolve from the notebook's folder, as in plain tslab; declarations tslab generated
          // from earlier cells may name modules relative to the virtual file, hence the fallback.
          return isVirtual(containingFile) ? resolve(asIfIn) ?? resolve(containingFile) : resolve(containingFile);
        });
      hookEmit(host);
      return host;
    };
    /**
     * tslab's run-time require maps "./dir" to "./dir.js" among the files it compiled, so a folder
     * import (resolved by TypeScript to ./dir/index.ts) compiles but fails to load. Rewrite such
     * specifiers to "./dir/index" at emit, where TypeScript's resolution is known.
     * @param {any} host
     */
    function hookEmit(host) {
      let tslabAfter = /** @type {any} */ (undefined);
      Object.defineProperty(host, 'afterProgramCreate', {
        configurable: true,
        get: () => (/** @type {any} */ builder) => {
          const emit = builder.emit.bind(builder);
          builder.emit = (/** @type {any[]} */ ...e) => {
            const t = e[4] || {};
            e[4] = { ...t, before: [indexSpecifiers(builder), ...(t.before || [])] };
            return emit(...e);
          };
          return tslabAfter && tslabAfter(builder);
        },
        set: (/** @type {any} */ f) => { tslabAfter = f; },
      });
    }
    /** @param {any} builder */
    const indexSpecifiers = (builder) => (/** @type {any} */ ctx) => (/** @type {any} */ sf) => {
      const f = ctx.factory;
      const fix = (/** @type {any} */ lit) => {
        if (!lit || !ts.isStringLiteral(lit) || !/^\.\.?(\/|$)/.test(lit.text) || /\/index$/.test(lit.text)) return lit;
        const from = isVirtual(sf.fileName) ? asIfIn : sf.fileName;
        const r = ts.resolveModuleName(lit.text, from, builder.getProgram().getCompilerOptions(), ts.sys).resolvedModule;
        if (!r || !/\/index\.(d\.)?[cm]?[tj]sx?$/.test(r.resolvedFileName)) return lit;
        const base = path.join(path.dirname(from), lit.text);
        return path.dirname(r.resolvedFileName) === base ? f.createStringLiteral(lit.text.replace(/\/$/, '') + '/index') : lit;
      };
      /** @param {any} node @returns {any} */
      const visit = (node) => {
        if (ts.isImportDeclaration(node) && node.moduleSpecifier)
          return f.updateImportDeclaration(node, node.modifiers, node.importClause, fix(node.moduleSpecifier), node.assertClause);
        if (ts.isExportDeclaration(node) && node.moduleSpecifier)
          return f.updateExportDeclaration(node, node.modifiers, node.isTypeOnly, node.exportClause, fix(node.moduleSpecifier), node.assertClause);
        if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments.length === 1)
          return f.updateCallExpression(node, node.expression, node.typeArguments, [fix(node.arguments[0])]);
        return ts.visitEachChild(node, visit, ctx);
      };
      return ts.visitNode(sf, visit);
    };
    // TypeScript's exports are getter-only and not configurable: hand tslab a copy of the module object
    // that differs in this one function (every later require() of the module gets the copy).
    /** @type {Record<string, unknown>} */
    const copy = {};
    for (const k of Object.keys(ts)) if (k !== 'createWatchCompilerHost') Object.defineProperty(copy, k, { enumerable: true, get: () => ts[k] });
    Object.defineProperty(copy, 'createWatchCompilerHost', { enumerable: true, value: createWatchCompilerHost });
    const cached = require.cache[tsFile];
    if (!cached) throw new Error('tslab-kernel: could not find the TypeScript module in require.cache');
    cached.exports = copy;
  }

  const { startKernel } = require(tslabMain);
  // enableFindLocal would look for another tslab from cwd; this one is the project's, already.
  startKernel({ configPath, enableFindLocal: false, jsKernel: false, globalVersion: '' });
}

main();
