import { ConfigError } from '@sferum/config';

/**
 * Runs a command-line tool: a configuration error prints the list of bad
 * variables (exit 78); any other error prints its message (exit 1).
 */
export function runCli(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      if (error instanceof ConfigError) {
        console.error(error.message);
        process.exit(78);
      }
      console.error(error instanceof Error ? `error: ${error.message}` : error);
      process.exit(1);
    },
  );
}
