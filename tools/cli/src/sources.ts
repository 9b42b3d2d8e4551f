/**
 * Upstream systems that push events, and the API keys of the system.
 *
 *   npm run sources -- create --name NAME --home 54 [--regions 54,42 | --regions all]
 *   npm run sources -- list
 *   npm run sources -- revoke NAME          every key of the source stops working
 *   npm run sources -- rotate NAME          a new key; the previous ones stop working
 *   npm run sources -- admin-key            a new admin key (registry import, settings)
 *   npm run sources -- reader-key           a new read-only key (KPI API, exports, report page, Grafana)
 *
 * A key is printed once and stored only as its SHA-256.
 */
import { parseArgs } from 'node:util';
import { createKey, createSource, listSources, revokeSource, rotateSource } from '@sferum/infra-postgres';
import { UsageError, withRegistry } from './cli-data-source';
import { runCli } from './cli-runner';
import { ensureDevCredentials } from './dev-credentials';

const USAGE =
  'usage: npm run sources -- create --name NAME --home 54 [--regions 54,42|all] | list | revoke NAME | rotate NAME | admin-key | reader-key';

runCli(async () => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      home: { type: 'string' },
      regions: { type: 'string' },
      'env-file': { type: 'string' },
    },
  });
  const [command, name] = positionals;
  await withRegistry(async (dataSource) => {
    switch (command) {
      case 'create': {
        if (values.name === undefined || values.home === undefined) throw new UsageError(USAGE);
        const regions = values.regions === undefined || values.regions === 'all' ? null : values.regions.split(',').map((r) => r.trim());
        const key = await createSource(dataSource, { name: values.name, homeRegion: values.home, allowedRegions: regions });
        console.error(`source ${values.name} created; its key (shown once, store it now):`);
        console.log(key);
        return;
      }
      case 'list': {
        for (const s of await listSources(dataSource)) {
          const keys = s.activeKeys.map((k) => `${k.prefix}… last used ${k.lastUsedAt?.toISOString() ?? 'never'}`).join('; ');
          console.log(
            `${s.name}\thome ${s.homeRegion}\tregions ${s.allowedRegions?.join(',') ?? 'all'}\t${s.activeKeys.length} active key(s)${keys ? `: ${keys}` : ''}`,
          );
        }
        return;
      }
      case 'revoke': {
        if (name === undefined) throw new UsageError(USAGE);
        console.log(`revoked ${await revokeSource(dataSource, name)} key(s) of ${name}`);
        return;
      }
      case 'rotate': {
        if (name === undefined) throw new UsageError(USAGE);
        const key = await rotateSource(dataSource, name);
        console.error(`new key of ${name} (shown once; the previous keys no longer work):`);
        console.log(key);
        return;
      }
      case 'admin-key':
      case 'reader-key': {
        const key = await createKey(dataSource, command === 'admin-key' ? 'admin' : 'reader');
        console.error(`new ${command === 'admin-key' ? 'admin' : 'reader'} key (shown once):`);
        console.log(key);
        return;
      }
      case 'dev-credentials': {
        if (values['env-file'] === undefined) throw new UsageError('usage: npm run sources -- dev-credentials --env-file FILE');
        await ensureDevCredentials(dataSource, values['env-file']);
        return;
      }
      case undefined:
      default:
        throw new UsageError(USAGE);
    }
  });
});
