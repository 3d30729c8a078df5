// Lint: typescript-eslint's recommended rules, and the boundaries of the code's shape (DESIGN.md "Shape of the code")
// as rules that fail: what a layer may not import.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_IO = ['fs', 'fs/promises', 'child_process', 'net', 'http', 'https', 'worker_threads', 'os', 'crypto'].flatMap((name) => [name, `node:${name}`]);
const LIBRARIES = ['dockerode', 'ssh2', 'better-sqlite3', 'execa', 'tar-stream', 'ssh-config'];
const VIEW_LIBRARIES = ['ink', 'react'];

const forbid = (names, patterns, message) => ({
  'no-restricted-imports': ['error', { paths: names.map((name) => ({ name, message })), patterns: patterns.map((group) => ({ group: [group], message })) }],
});

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.bench/', 'incidents/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setImmediate: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', SharedArrayBuffer: 'readonly', Atomics: 'readonly', performance: 'readonly', structuredClone: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    // The engine, its events and the pure formatters: no I/O, no view library, no adapter.
    files: ['src/runbook/**', 'src/ui/presentation/**'],
    rules: forbid([...NODE_IO, ...LIBRARIES, ...VIEW_LIBRARIES], ['**/adapters/**', '**/commands/**'], 'pure code: no node I/O, Ink, React or adapter library here (see DESIGN.md "Shape of the code")'),
  },
  {
    // Steps reach the world only through ports.
    files: ['src/steps/**', 'src/discovery/**'],
    rules: forbid(['fs', 'fs/promises', 'node:fs', 'node:fs/promises', 'child_process', 'node:child_process', ...LIBRARIES, ...VIEW_LIBRARIES], ['**/adapters/**', '**/commands/**', '**/ui/**'], 'steps and discovery use ports, never node:fs, an adapter or a library for the outside world'),
  },
  {
    // Ports are interfaces: they import no implementation.
    files: ['src/ports/**'],
    rules: forbid([...NODE_IO, ...LIBRARIES, ...VIEW_LIBRARIES], ['**/adapters/**', '**/steps/**', '**/commands/**'], 'ports are contracts: no implementation imports'),
  },
  {
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
