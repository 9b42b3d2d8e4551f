import { readFileSync, writeFileSync } from 'node:fs';
import { createKey, createSource, findKeyHolder, listSources, rotateSource } from '@sferum/infra-postgres';
import { type DataSource } from 'typeorm';

export const DEMO_SOURCE = 'demo';

/**
 * Makes sure the local machine's env file holds a working key of the demo
 * source (allowed every region), a working admin key and a working reader
 * key (READER_KEY: what scripts, the simulator and the benchmarks read
 * the KPI service with), creating or
 * replacing what is missing or no longer valid (for example after the
 * database was recreated). Other lines of the file are kept.
 */
export async function ensureDevCredentials(dataSource: DataSource, envFile: string): Promise<void> {
  const lines = readFileSync(envFile, 'utf8').split('\n').filter((l) => l.length > 0);
  const get = (name: string) => lines.find((l) => l.startsWith(`${name}=`))?.slice(name.length + 1);
  const set = (name: string, value: string) => {
    const index = lines.findIndex((l) => l.startsWith(`${name}=`));
    if (index >= 0) lines[index] = `${name}=${value}`;
    else lines.push(`${name}=${value}`);
  };

  const sourceKey = get('DEMO_SOURCE_KEY');
  const sourceHolder = sourceKey === undefined ? undefined : await findKeyHolder(dataSource, sourceKey);
  if (sourceHolder?.source?.name !== DEMO_SOURCE) {
    const exists = (await listSources(dataSource)).some((s) => s.name === DEMO_SOURCE);
    const key = exists
      ? await rotateSource(dataSource, DEMO_SOURCE)
      : await createSource(dataSource, { name: DEMO_SOURCE, homeRegion: '54', allowedRegions: null });
    set('DEMO_SOURCE_KEY', key);
    console.error(`created a key of source "${DEMO_SOURCE}" (every region) in ${envFile}`);
  }

  const adminKey = get('ADMIN_KEY');
  const adminHolder = adminKey === undefined ? undefined : await findKeyHolder(dataSource, adminKey);
  if (adminHolder?.role !== 'admin') {
    set('ADMIN_KEY', await createKey(dataSource, 'admin'));
    console.error(`created an admin key in ${envFile}`);
  }

  const readerKey = get('READER_KEY');
  const readerHolder = readerKey === undefined ? undefined : await findKeyHolder(dataSource, readerKey);
  if (readerHolder?.role !== 'reader') {
    set('READER_KEY', await createKey(dataSource, 'reader'));
    console.error(`created a reader key in ${envFile}`);
  }
  writeFileSync(envFile, `${lines.join('\n')}\n`, { mode: 0o600 });
}
