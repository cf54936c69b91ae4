import js from '@eslint/js'
import tseslint from 'typescript-eslint'

// The pure core (planner, model, renderers, manifest parser) must not do I/O:
// it is what makes plans reproducible and testable from fixtures.
const pureCore = ['src/plan/**/*.ts', 'src/model/**/*.ts', 'src/render/**/*.ts', 'src/manifest/parse*.ts', 'src/manifest/schema*.ts',
  'src/graph/{estate-graph,live-overlay,select,graph-labels,mermaid,dot,index}.ts']

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'bench/out/**', '.streamctl/**', 'test/fixtures/**/*.js']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['bench/**/*.mjs', 'bin/**/*.js', 'test/**/*.mjs'],
    languageOptions: {globals: {process: 'readonly', console: 'readonly', setTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', performance: 'readonly', URL: 'readonly', Buffer: 'readonly'}},
  },
  {
    files: pureCore,
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['kafkajs', '@oclif/core', 'node:fs', 'node:fs/promises', 'node:process', 'node:child_process', 'fs', 'process'],
      }],
      'no-restricted-globals': ['error', 'process'],
    },
  },
)
