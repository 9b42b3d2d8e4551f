/**
 * `npm run rebuild`: refills every derived ClickHouse table (per-user
 * hourly activity, registrations, connections, what each organization id
 * sent) from the stored facts (activity_events) and the history kept in
 * the tables of migration 0001. Stop the aggregator first; the KPIs fill up
 * again while it runs and are the same afterwards.
 */
import 'reflect-metadata';
import { CLICKHOUSE_VARS, loadConfig } from '@sferum/config';
import { ClickHouse, rebuildDerivedTables } from '@sferum/infra-clickhouse';
import { runCli } from './cli-runner';
import { Progress } from './progress';

runCli(async () => {
  const config = loadConfig('rebuild', CLICKHOUSE_VARS);
  const clickhouse = new ClickHouse({ url: config.CLICKHOUSE_URL, database: config.CLICKHOUSE_DATABASE });
  try {
    const progress = new Progress('rebuild', 'months');
    const { months } = await rebuildDerivedTables(clickhouse, (_month, done, total) => progress.update(done, total));
    progress.done(`${months} month(s) of activity_events and the 0001 history converted again`);
  } finally {
    await clickhouse.close();
  }
});
