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
const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'crypto',
  'child_process',
  'net',
  'http',
  'https',
  'events',
];

/** @param {string[]} patterns @param {string} why */
const forbid = (patterns, why) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message: why }] }],
});

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
