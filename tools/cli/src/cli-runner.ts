import { ConfigError } from '@sferum/config';
import { errorMessage } from '@sferum/util';

/**
 * Runs a command-line tool: a configuration error prints the list of bad
 * variables (exit 78); any other error prints its message, the password of
 * any URL in it masked (exit 1). The process exits only after stdout and
 * stderr are flushed: an exit while a pipe still holds output would cut it off.
 */
export function runCli(main: () => Promise<void>): void {
  main().then(
    () => exitAfterFlush(0),
    (error: unknown) => {
      if (error instanceof ConfigError) {
        console.error(error.message);
        exitAfterFlush(78);
        return;
      }
      console.error(`error: ${errorMessage(error)}`);
      exitAfterFlush(1);
    },
  );
}

function exitAfterFlush(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
