// The library's public surface: everything the CLI does is reachable without it.
export * from './errors.js'
export * from './model/state.js'
export * from './model/environment.js'
export * from './model/desired.js'
export * from './model/secret.js'
