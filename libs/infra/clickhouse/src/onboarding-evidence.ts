import { NO_ONBOARDING_EVIDENCE, type OnboardingEvidence } from '@sferum/domain';
import { type ClickHouse } from './clickhouse-client';
import { changedBeforeSql, checkRegion, regionOrgIdsSql } from './kpi-counters';
import { SqlLiteralError, sqlUInt } from './sql-literal';

/**
 * What the events show of the onboarding of a region's organizations
 * (migrations/0010; the steps in libs/contracts onboarding.ts), before an
 * instant (exclusive): per organization of the mirrored registry version,
 * the first instant (epoch ms) of
 * - connected: its first ru.sferum.org.connected (org_facts);
 * - admin_registered / staff_registered: the first registration of a person
 *   as admin / as teacher there (registrations_by_org; a later leave does
 *   not undo it);
 * - staff_active: the first instant at which a person both had registered
 *   there as teacher or admin and had sent a message or joined a call
 *   naming it (first_activity_by_org, to the second): per person the later
 *   of the two, the earliest of those;
 * - chats_created: its first ru.sferum.chat.created for the whole staff
 *   (org_facts, fact chat_created, detail staff).
 * Organizations with none of these are absent from the map. The registry's
 * own statements (dates, connected) are combined with these by the domain
 * (onboardingOf).
 */
export async function onboardingEvidenceAt(
  clickhouse: ClickHouse,
  region: string,
  registryVersion: number,
  atMs: number,
): Promise<Map<string, OnboardingEvidence>> {
  checkRegion(region, registryVersion);
  if (!Number.isSafeInteger(atMs) || atMs < 0) throw new SqlLiteralError('not an instant');
  const regionOrgIds = regionOrgIdsSql(region, registryVersion);
  const before = changedBeforeSql(atMs);
  const firstMs = 'min(toUInt64(time) * 1000 + time_ms)';
  const staffRegistrations = `
    SELECT org_id, user_id, ${firstMs} AS registered_ms
    FROM registrations_by_org
    PREWHERE org_id IN (${regionOrgIds})
    WHERE registered = 1 AND role IN ('teacher', 'admin') AND ${before}
    GROUP BY org_id, user_id`;
  const rows = await clickhouse.query<{ org_id: string; step: string; first_ms: string | number }>(`
    SELECT org_id, step, first_ms FROM
    (
        SELECT org_id, if(fact = 'connected', 'connected', 'chats_created') AS step, ${firstMs} AS first_ms
        FROM org_facts
        PREWHERE org_id IN (${regionOrgIds})
        WHERE (fact = 'connected' OR (fact = 'chat_created' AND detail = 'staff')) AND ${before}
        GROUP BY org_id, step
        UNION ALL
        SELECT org_id, if(role = 'admin', 'admin_registered', 'staff_registered') AS step, ${firstMs} AS first_ms
        FROM registrations_by_org
        PREWHERE org_id IN (${regionOrgIds})
        WHERE registered = 1 AND role IN ('admin', 'teacher') AND ${before}
        GROUP BY org_id, step
        UNION ALL
        SELECT org_id, 'staff_active' AS step, min(greatest(active_ms, registered_ms)) AS first_ms
        FROM
        (
            SELECT org_id, user_id, toUInt64(minMerge(first_time)) * 1000 AS active_ms
            FROM first_activity_by_org
            PREWHERE org_id IN (${regionOrgIds})
            GROUP BY org_id, user_id
            HAVING active_ms < ${sqlUInt(atMs)}
        ) AS active
        ALL INNER JOIN (${staffRegistrations}) AS staff USING (org_id, user_id)
        GROUP BY org_id
    )
    ORDER BY org_id, step`);
  const out = new Map<string, OnboardingEvidence>();
  for (const r of rows) {
    const evidence = out.get(r.org_id) ?? { ...NO_ONBOARDING_EVIDENCE };
    out.set(r.org_id, { ...evidence, [r.step]: Number(r.first_ms) });
  }
  return out;
}
