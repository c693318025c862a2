// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/**
 * The layer rules of ../shared/DESIGN.md, enforced here:
 *   shared <- adapters <- main/core <- main/{electron,server}, and shared <- renderer.
 * Each block forbids what its layer must not reach.
 */
// Anchored (`^...$`): a bare 'events' must not also forbid a folder of ours named events/.
const nodeBuiltins = [
  'node:*',
  ...['fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http', 'https', 'events'].map(
    (name) => `/^${name}(/.*)?$/`,
  ),
];

/**
 * @param {string[]} patterns gitignore-style groups, or `/regex/` strings
 * @param {string} why
 */
const forbid = (patterns, why) => {
  const regexes = patterns.filter((p) => p.startsWith('/') && p.endsWith('/')).map((p) => p.slice(1, -1));
  const groups = patterns.filter((p) => !(p.startsWith('/') && p.endsWith('/')));
  return {
    'no-restricted-imports': [
      'error',
      {
        patterns: [{ group: groups, message: why }, ...regexes.map((regex) => ({ regex, message: why }))],
      },
    ],
  };
};

/**
 * One block per layer of main/core: files in a layer may not import folders of a higher layer
 * (relative imports only: `../rules/x.ts`, `../../api/y.ts`), nor core.ts. `module.ts` (the module
 * contract) sits between the domain and the features.
 * @param {string[][]} layers lowest first; entries are folders of main/core, or files at its top
 */
function coreLayers(layers) {
  /** @param {string} entry */
  const target = (entry) =>
    entry.endsWith('.ts') ? `^(\\.\\.?/)+${entry.replace('.', '\\.')}$` : `^(\\.\\.?/)+${entry}/`;
  const hostRule = {
    group: [
      'electron',
      '**/main/server/**',
      '**/main/electron/**',
      '**/renderer/**',
      '**/adapters/**',
      '../server/**',
      '../electron/**',
    ],
    message: 'main/core knows no host and no adapter by name: a host entry hands them in.',
  };
  /** @param {string[]} layer @param {string[]} higher */
  const rules = (layer, higher) => ({
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...higher.map((e) => ({
            regex: target(e),
            message: `main/core layers: ${layer.join(', ')} may not import ${e} (it sits higher; see eslint.config.js)`,
          })),
          hostRule,
        ],
      },
    ],
  });
  // A feature's `*-module.ts` (and the host that runs modules) may use the module contract;
  // the domain code beside it may not.
  const moduleFiles = ['main/core/**/*-module.ts', 'main/core/lifecycle/module-host.ts'];
  return layers.flatMap((layer, i) => {
    const files = layer.map((e) => (e.endsWith('.ts') ? `main/core/${e}` : `main/core/${e}/**/*.ts`));
    const higher = [...layers.slice(i + 1).flat(), 'core.ts'];
    if (i >= 2) return [{ files, rules: rules(layer, higher) }];
    return [
      { files, rules: rules(layer, higher) },
      { files, ignores: moduleFiles, rules: rules(layer, [...higher, 'module.ts']) },
    ];
  });
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'coverage/**',
      'test-results/**',
      'playwright-report/**',
      '.tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Tests read JSON replies of many shapes; typing each one would only restate the API contract.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['shared/**/*.ts'],
    rules: forbid(
      [...nodeBuiltins, '**/main/**', '**/adapters/**', '**/renderer/**', 'electron', 'react'],
      'shared/ is pure: no Node, Electron, DOM or other-layer imports.',
    ),
  },
  {
    files: ['adapters/**/*.ts'],
    rules: forbid(
      ['**/main/**', '**/renderer/**', 'electron'],
      'adapters/ may import only shared/ and libraries: the core hands them what they need.',
    ),
  },
  {
    files: ['main/core/**/*.ts'],
    rules: forbid(
      [
        'electron',
        '**/main/server/**',
        '**/main/electron/**',
        '**/renderer/**',
        '**/adapters/**',
        '../server/**',
        '../electron/**',
      ],
      'main/core knows no host and no adapter by name: a host entry hands them in.',
    ),
  },
  // Inside the core, imports run one way too (DESIGN.md): foundations <- domain <- adapter host <-
  // features <- api/ <- core.ts. Domain code throws CoreError; nothing below api/ imports from it.
  ...coreLayers([
    ['errors.ts', 'bus', 'log', 'config', 'secrets', 'storage', 'history'],
    ['registry', 'state', 'auth', 'broker', 'lifecycle'],
    ['adapter-host'],
    ['rules', 'energy', 'alarms', 'sync', 'backup', 'desk'],
    ['api'],
  ]),
  {
    files: ['main/server/**/*.ts'],
    rules: forbid(
      ['electron', '**/main/electron/**', '**/renderer/**'],
      'The headless host does not use Electron.',
    ),
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...forbid(
        [...nodeBuiltins, '**/main/**', '**/adapters/**', 'electron', 'rxdb', 'rxdb/*'],
        'The renderer talks to the core only through the API client (shared/api).',
      ),
    },
  },
);
