import { join } from 'node:path';

/**
 * The folder of the project's numbered ClickHouse migrations. The build
 * copies it next to the compiled lib, so the same relative path holds in
 * the source tree and in dist/.
 */
export const CLICKHOUSE_MIGRATIONS_DIR = join(__dirname, '..', 'migrations');
