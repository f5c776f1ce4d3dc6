// One lint config for the whole repo (flat config, typed rules via the TS project service).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/cdk.out/**',
      '**/node_modules/**',
      '**/.venv/**',
      '.cache/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The page runs in browsers, and is a client of the HTTP API only: no server code in its bundle.
    files: ['web/src/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/services/**', '@iscoolgpt/*'],
              message: 'web/ talks to the API over HTTP only',
            },
            { group: ['**/shared/**'], message: 'web/ talks to the API over HTTP only' },
          ],
        },
      ],
    },
  },
  {
    // Rooms of one job: a source module over 300 lines holds more than one (generated files aside).
    files: ['shared/src/**', 'services/*/src/**', 'web/src/**'],
    ignores: ['**/*.gen.ts'],
    rules: { 'max-lines': ['error', { max: 300, skipBlankLines: false, skipComments: false }] },
  },
  {
    // Command-line scripts and benchmarks print for a person to read.
    files: ['bench/**', 'scripts/**', '**/scripts/**', 'infra/bin/**'],
    rules: { 'no-console': 'off' },
  },
);
