// After tsc, for start-up: (1) the pure-JavaScript packages dist/ imports are bundled into dist/vendor/ (esbuild,
// one file per package plus shared chunks) and dist's imports of them are pointed there; (2) dist/ui/App.js becomes
// one file holding the whole screen (every module under ui/, which nothing outside ui/ imports but App). Node then
// reads a few files instead of the hundreds Ink, React and their dependencies are made of: a fresh `import('ink')`
// costs ~1.1-1.6 s on this busy 2-core machine from node_modules and ~0.2 s from one bundle. Our other modules stay as
// tsc wrote them (same files, same paths: tests and tools import them, and several find files relative to their own
// location). Packages with native parts or runtime requires of their own files (better-sqlite3, ssh2, dockerode) stay
// in node_modules. Without esbuild the build still works, unbundled: the program is the same, it only starts slower.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const VENDOR = join(DIST, 'vendor');
/** Package specifiers served from dist/vendor/, each as dist/vendor/<file>.js. */
const VENDORED = {
  ink: 'ink',
  react: 'react',
  'react/jsx-runtime': 'react-jsx-runtime',
  commander: 'commander',
  yaml: 'yaml',
  zod: 'zod',
  execa: 'execa',
  'tar-stream': 'tar-stream',
  'ssh-config': 'ssh-config',
};

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.warn('bundle-dist: esbuild is not installed; dist/ imports its packages from node_modules (slower start-up)');
  process.exit(0);
}

const entriesDir = join(DIST, '.vendor-entries');
const jsFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === VENDOR || path === entriesDir ? [] : jsFiles(path);
    return entry.name.endsWith('.js') ? [path] : [];
  });

// An entry re-exports exactly the names Node's own import of the package gives (a CommonJS package's named exports
// included), so every `import { x } from 'pkg'` in dist/ resolves as before.
rmSync(VENDOR, { recursive: true, force: true });
rmSync(entriesDir, { recursive: true, force: true });
mkdirSync(entriesDir, { recursive: true });
// As from node_modules, where react-devtools-core is not installed: Ink's import of it fails the same way.
writeFileSync(
  join(entriesDir, 'no-devtools.mjs'),
  [
    'const error = new Error("Cannot find package \'react-devtools-core\'");',
    "error.code = 'ERR_MODULE_NOT_FOUND';",
    'throw error;',
    'export default undefined;',
    '',
  ].join('\n'),
);
const entryPoints = {};
for (const [specifier, file] of Object.entries(VENDORED)) {
  const names = Object.keys(await import(specifier)).filter((name) => name !== '__esModule');
  const entry = join(entriesDir, `${file}.mjs`);
  writeFileSync(entry, `export { ${names.join(', ')} } from ${JSON.stringify(specifier)};\n`);
  entryPoints[file] = entry;
}
try {
  await esbuild.build({
    entryPoints,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: VENDOR,
    chunkNames: 'chunks/[name]-[hash]',
    nodePaths: [join(ROOT, 'node_modules')],
    // React and Ink choose their build from NODE_ENV at run time, as from node_modules (tui-loader.ts sets it first).
    // Ink imports its React DevTools bridge only when DEV=true, and that package is not installed.
    alias: { 'react-devtools-core': join(entriesDir, 'no-devtools.mjs') },
    // Bundled CommonJS code requires Node's built-ins.
    banner: {
      js: "import { createRequire as __vendorCreateRequire } from 'node:module';\nconst require = __vendorCreateRequire(import.meta.url);",
    },
    legalComments: 'none',
    logLevel: 'warning',
  });
} finally {
  rmSync(entriesDir, { recursive: true, force: true });
}

// Only quoted module specifiers are rewritten: `from 'ink'`, `import('ink')`, with either quote.
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const pattern = new RegExp(`(\\bfrom\\s*|\\bimport\\s*\\(\\s*)(['"])(${Object.keys(VENDORED).map(escape).join('|')})\\2`, 'g');
let rewritten = 0;
for (const file of jsFiles(DIST)) {
  const text = readFileSync(file, 'utf8');
  const next = text.replace(pattern, (_, lead, quote, specifier) => {
    let target = relative(dirname(file), join(VENDOR, `${VENDORED[specifier]}.js`));
    if (!target.startsWith('.')) target = `./${target}`;
    return `${lead}${quote}${target}${quote}`;
  });
  if (next !== text) {
    writeFileSync(file, next);
    rewritten += 1;
  }
}

// The screen in one file. Everything outside dist/ui/ (the runbook's view and events, the vendored packages) stays an
// import of its own module, so there is one instance of each; its path is unchanged, App.js staying where it was.
const UI = join(DIST, 'ui');
const bundledApp = join(DIST, '.app-bundle', 'App.js');
await esbuild.build({
  entryPoints: [join(UI, 'App.js')],
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outfile: bundledApp,
  // tsc's source maps are read and composed: stack traces still name src/ui/*.tsx.
  sourcemap: true,
  plugins: [
    {
      name: 'only-ui',
      setup(build) {
        build.onResolve({ filter: /.*/ }, (args) => {
          if (args.kind === 'entry-point') return undefined;
          const resolved = args.path.startsWith('.') ? join(args.resolveDir, args.path) : undefined;
          if (resolved && resolved.startsWith(`${UI}/`)) return undefined;
          return { path: resolved ? relative(UI, resolved).replace(/^(?!\.)/, './') : args.path, external: true };
        });
      },
    },
  ],
  logLevel: 'warning',
});
const appText = readFileSync(bundledApp, 'utf8').replace(/sourceMappingURL=App\.js\.map/, 'sourceMappingURL=App.js.map');
writeFileSync(join(UI, 'App.js'), appText);
writeFileSync(join(UI, 'App.js.map'), readFileSync(`${bundledApp}.map`));
rmSync(join(DIST, '.app-bundle'), { recursive: true, force: true });
const packages = Object.keys(VENDORED).length;
console.log(`bundle-dist: ${packages} packages into dist/vendor/, imports rewritten in ${rewritten} files; dist/ui/App.js in one file`);
