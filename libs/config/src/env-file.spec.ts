import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEnvFile } from './env-file';

describe('readEnvFile', () => {
  it('reads KEY=VALUE lines, unquoting values and skipping anything else; {} without a file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'env-file-')), 'dev.env');
    writeFileSync(file, 'PSEUDONYM_KEY=abc=def\n# a comment\nADMIN_KEY="sfk_x"\nnot a line\n');
    expect(readEnvFile(file)).toEqual({ PSEUDONYM_KEY: 'abc=def', ADMIN_KEY: 'sfk_x' });
    expect(readEnvFile(join(tmpdir(), 'no-such-dir-x', 'dev.env'))).toEqual({});
  });
});
