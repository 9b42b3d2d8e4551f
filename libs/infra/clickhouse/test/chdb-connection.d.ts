// The types of chdb's `chdb/connection` entry point. Node and Jest follow the
// package's "exports" map; TypeScript's node10 resolution (tsconfig.base.json)
// does not, so it is pointed at the file the map names.
declare module 'chdb/connection' {
  export * from 'chdb/dist/connection/index';
}
