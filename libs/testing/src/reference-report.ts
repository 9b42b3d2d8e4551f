/**
 * The reference region's weekly report of the domain brief (report of 12
 * May 2023, region 54), as a registry and the events upstream systems
 * would send, for the weekly report's integration spec
 * (services/kpi/src/report/weekly-report.int-spec.ts) to push through the
 * real pipeline. The figures the slides print are the brief's, in full:
 *
 *   general education: 1,004 schools, 944 active (94%); 116,288 users;
 *     16,010 teachers of a headcount of 21,635 (74%); 100,278 students;
 *     2,655 teachers active in April; >= 3 messages 109, >= 10 52, a call 66;
 *   vocational colleges: 30, 22 active; 405 teachers; 824 students; 26 / 13 / 5;
 *   additional education: 10 connected, 9 active; 95 teachers; 119
 *     students; 3 / 3 / 0; and the 13 more "being prepared" of the brief's
 *     profile counts, in Maslyanino: no teacher yet, on their way through
 *     the onboarding funnel (REFERENCE_REPORT.ONBOARDING);
 *   municipal education authorities: 17, 12 active; 84 staff; 6 / 1 / 0.
 *
 * Spread over five municipalities so that the traffic-light tables show
 * every band, both edges (50% active is below norm, 1% of teachers with a
 * call is good) and small cells (4 teachers). Everyone registers on
 * 20 March 2023; the month's activity is one direct message on 20 April,
 * the week's the group messages and calls of 9-11 May (2023-W19), all in
 * Novosibirsk time and naming the author's organization, so each counts in
 * its municipality.
 *
 * The onboarding funnel at the week's end (15 May 2023 00:00 local), by
 * construction: an organization with registered teachers is at step 6
 * (staff registered, 20 March: 55 days, stuck) or, once one of them wrote
 * or called naming it, at step 7 (from 20 April: 24 days, stuck; the first
 * `aprilActive` teachers, spread over the active organizations, cover all
 * of them but Maslyanino's schools 55-59 and the one authority of Kyshtovka);
 * one with none but stated connected in the registry at step 2 with no
 * date (never stuck). Then the 13 being prepared, and a staff chat in five
 * of the additional-education organizations (step 8): see ONBOARDING.
 */
import { type OrgCategory, REGISTRY_ONBOARDING_STEPS, type RegistryOnboardingStep } from '@sferum/contracts';
import { type ReferenceEvent } from './reference-week';

export interface ReportMunicipalityPlan {
  readonly id: string;
  /** Organizations of the category in the municipality; the first `active` of them get every user (so 2 or more). */
  readonly orgs: number;
  readonly active: number;
  readonly teachers: number;
  /** The teacher headcount of the municipality's organizations, spread over them. */
  readonly headcount: number;
  readonly students: number;
  /** Teachers with 10 group messages in the week. */
  readonly writers10: number;
  /** Teachers with 3 (so at least 3, fewer than 10). */
  readonly writers3: number;
  /** Teachers who joined a call in the week. */
  readonly callers: number;
  /** Teachers with any activity in April 2023. */
  readonly aprilActive: number;
}

export interface ReportCategoryPlan {
  readonly category: OrgCategory;
  /** Prefix of its organization ids. */
  readonly prefix: string;
  /** The first this many organizations of the category (in the CSV's order) are stated connected, journal linked, labelled. */
  readonly connected: number;
  readonly journalLinked: number;
  readonly govLabel: number;
  readonly municipalities: readonly ReportMunicipalityPlan[];
}

export const REFERENCE_REPORT_MUNICIPALITIES: Readonly<Record<string, string>> = {
  berdsk: 'г. Бердск',
  iskitim: 'Искитимский район',
  kyshtovka: 'Кыштовский район',
  maslyanino: 'Маслянинский район',
  'nsk-city': 'г. Новосибирск',
};

const m = (id: string, p: Omit<ReportMunicipalityPlan, 'id'>): ReportMunicipalityPlan => ({ id, ...p });

export const REFERENCE_REPORT = {
  WEEK: '2023-W19',
  MONTH: '2023-04',
  CATEGORIES: [
    {
      category: 'general',
      prefix: 'sch',
      connected: 1_000,
      journalLinked: 900,
      govLabel: 502,
      municipalities: [
        m('nsk-city', { orgs: 800, active: 782, teachers: 15_456, headcount: 20_909, students: 94_774, writers10: 4, writers3: 40, callers: 60, aprilActive: 2_400 }),
        m('berdsk', { orgs: 100, active: 80, teachers: 150, headcount: 200, students: 1_500, writers10: 18, writers3: 10, callers: 1, aprilActive: 100 }),
        m('iskitim', { orgs: 40, active: 18, teachers: 300, headcount: 400, students: 3_000, writers10: 0, writers3: 0, callers: 0, aprilActive: 100 }),
        m('maslyanino', { orgs: 60, active: 60, teachers: 100, headcount: 120, students: 1_000, writers10: 30, writers3: 7, callers: 5, aprilActive: 55 }),
        m('kyshtovka', { orgs: 4, active: 4, teachers: 4, headcount: 6, students: 4, writers10: 0, writers3: 0, callers: 0, aprilActive: 0 }),
      ],
    },
    {
      category: 'spo',
      prefix: 'col',
      connected: 30,
      journalLinked: 0,
      govLabel: 15,
      municipalities: [
        m('nsk-city', { orgs: 20, active: 15, teachers: 300, headcount: 400, students: 600, writers10: 10, writers3: 8, callers: 3, aprilActive: 90 }),
        m('berdsk', { orgs: 10, active: 7, teachers: 105, headcount: 140, students: 224, writers10: 3, writers3: 5, callers: 2, aprilActive: 30 }),
      ],
    },
    {
      category: 'additional',
      prefix: 'dod',
      connected: 10,
      journalLinked: 0,
      govLabel: 3,
      municipalities: [
        m('nsk-city', { orgs: 7, active: 6, teachers: 80, headcount: 90, students: 100, writers10: 3, writers3: 0, callers: 0, aprilActive: 30 }),
        m('iskitim', { orgs: 3, active: 3, teachers: 15, headcount: 20, students: 19, writers10: 0, writers3: 0, callers: 0, aprilActive: 10 }),
        // The 13 being prepared: no teacher, no headcount stated yet (0), not connected (after the first 10).
        m('maslyanino', { orgs: 13, active: 0, teachers: 0, headcount: 0, students: 0, writers10: 0, writers3: 0, callers: 0, aprilActive: 0 }),
      ],
    },
    {
      category: 'mouo',
      prefix: 'mouo',
      connected: 17,
      journalLinked: 0,
      govLabel: 0,
      municipalities: [
        m('nsk-city', { orgs: 5, active: 4, teachers: 30, headcount: 35, students: 0, writers10: 1, writers3: 2, callers: 0, aprilActive: 20 }),
        m('berdsk', { orgs: 4, active: 3, teachers: 20, headcount: 22, students: 0, writers10: 0, writers3: 2, callers: 0, aprilActive: 15 }),
        m('iskitim', { orgs: 4, active: 2, teachers: 14, headcount: 15, students: 0, writers10: 0, writers3: 1, callers: 0, aprilActive: 8 }),
        m('maslyanino', { orgs: 3, active: 2, teachers: 16, headcount: 18, students: 0, writers10: 0, writers3: 0, callers: 0, aprilActive: 7 }),
        m('kyshtovka', { orgs: 1, active: 1, teachers: 4, headcount: 5, students: 0, writers10: 0, writers3: 0, callers: 0, aprilActive: 0 }),
      ],
    },
  ] as const satisfies readonly ReportCategoryPlan[],
  ONBOARDING: {
    /**
     * The 13 additional-education organizations of Maslyanino being
     * prepared: the registry's dates (local days) and an administrator's
     * registration (a person of their own, role admin, local time), each
     * at a step of its own at the week's end, 15 May 00:00:
     *   0, 1  nothing yet: not started
     *   2     step 1 since 8 May (7 days)
     *   3     step 1 since 3 April (42 days: stuck)
     *   4     step 2 since 17 April (28 days: stuck)
     *   5     step 2 since 2 May (13 days)
     *   6     step 3 since 1 May: exactly 14 days, not more: not stuck
     *   7     step 3 since 30 April (15 days: stuck)
     *   8     step 4 since 25 April 10:00 (19 days: stuck)
     *   9     step 4 since 4 May 10:00 (10 days)
     *   10    step 5 since 3 May (12 days): no date of steps 1-3, they count as passed
     *   11    step 5 since 20 April (25 days: stuck)
     *   12    step 1 since 27 March (49 days: stuck, the longest): its structure is
     *         dated 20 May and its staff chat made on 16 May, both after the week
     */
    PREPARED: [
      { orgId: 'dod-maslyanino-0000' },
      { orgId: 'dod-maslyanino-0001' },
      { orgId: 'dod-maslyanino-0002', registry: { list_collected: '2023-05-08' } },
      { orgId: 'dod-maslyanino-0003', registry: { list_collected: '2023-04-03' } },
      { orgId: 'dod-maslyanino-0004', registry: { list_collected: '2023-04-03', passed_to_coordinators: '2023-04-17' } },
      { orgId: 'dod-maslyanino-0005', registry: { list_collected: '2023-04-03', passed_to_coordinators: '2023-05-02' } },
      { orgId: 'dod-maslyanino-0006', registry: { list_collected: '2023-04-03', passed_to_coordinators: '2023-04-17', admins_informed: '2023-05-01' } },
      { orgId: 'dod-maslyanino-0007', registry: { list_collected: '2023-04-03', passed_to_coordinators: '2023-04-17', admins_informed: '2023-04-30' } },
      { orgId: 'dod-maslyanino-0008', registry: { list_collected: '2023-04-03', passed_to_coordinators: '2023-04-17', admins_informed: '2023-04-24' }, adminRegistered: '2023-04-25T10:00:00+07:00' },
      { orgId: 'dod-maslyanino-0009', registry: { list_collected: '2023-04-03', passed_to_coordinators: '2023-04-17', admins_informed: '2023-04-24' }, adminRegistered: '2023-05-04T10:00:00+07:00' },
      { orgId: 'dod-maslyanino-0010', registry: { structure_built: '2023-05-03' }, adminRegistered: '2023-04-25T10:00:00+07:00' },
      { orgId: 'dod-maslyanino-0011', registry: { structure_built: '2023-04-20' }, adminRegistered: '2023-04-19T10:00:00+07:00' },
      { orgId: 'dod-maslyanino-0012', registry: { list_collected: '2023-03-27', structure_built: '2023-05-20' } },
    ] as readonly { readonly orgId: string; readonly registry?: Partial<Record<RegistryOnboardingStep, string>>; readonly adminRegistered?: string }[],
    /**
     * Chats made in the additional-education organizations that are
     * onboarded: a staff chat is step 8 (Novosibirsk 0-3 on 27 April,
     * Iskitim 0 on 12 May); Novosibirsk 4's class chat is not (it stays at
     * step 7), nor Novosibirsk 5's staff chat of 16 May, after the week, nor
     * Maslyanino 12's. Novosibirsk 6, not active but connected, stays at 2.
     */
    CHATS: [
      ...[0, 1, 2, 3].map((i) => ({ orgId: `dod-nsk-city-000${i}`, audience: 'staff', time: '2023-04-27T12:00:00+07:00', memberCount: 14 })),
      { orgId: 'dod-iskitim-0000', audience: 'staff', time: '2023-05-12T15:00:00+07:00', memberCount: 5 },
      { orgId: 'dod-nsk-city-0004', audience: 'class', time: '2023-04-27T12:00:00+07:00', memberCount: 30 },
      { orgId: 'dod-nsk-city-0005', audience: 'staff', time: '2023-05-16T09:00:00+07:00', memberCount: 13 },
      { orgId: 'dod-maslyanino-0012', audience: 'staff', time: '2023-05-16T09:00:00+07:00', memberCount: 1 },
    ] as readonly { readonly orgId: string; readonly audience: 'staff' | 'class' | 'other'; readonly time: string; readonly memberCount: number }[],
  },
} as const;

/** An organization's id: "sch-nsk-city-0001". */
function orgIdOf(plan: ReportCategoryPlan, municipality: string, index: number): string {
  return `${plan.prefix}-${municipality}-${String(index).padStart(4, '0')}`;
}

/** Registry: every organization of the plan, its headcount spread over the municipality's organizations of its category, the facts stated for the first of each category. */
export function referenceReportRegistryCsv(): string {
  const lines = [`org_id,org_name,category,municipality_id,municipality_name,region_code,teacher_headcount,connected,journal_linked,gov_label,${REGISTRY_ONBOARDING_STEPS.join(',')}`];
  const onboarding = new Map(REFERENCE_REPORT.ONBOARDING.PREPARED.map((o) => [o.orgId, o.registry ?? {}]));
  for (const plan of REFERENCE_REPORT.CATEGORIES) {
    let n = 0; // the organization's place in its category, for the stated facts
    for (const mun of plan.municipalities) {
      for (let i = 0; i < mun.orgs; i++, n++) {
        const headcount = Math.floor(mun.headcount / mun.orgs) + (i < mun.headcount % mun.orgs ? 1 : 0);
        const flag = (count: number) => (n < count ? 1 : 0);
        const orgId = orgIdOf(plan, mun.id, i);
        const dates = REGISTRY_ONBOARDING_STEPS.map((step) => onboarding.get(orgId)?.[step] ?? '');
        lines.push(
          [orgId, `${plan.prefix.toUpperCase()} ${mun.id} ${i}`, plan.category, mun.id, REFERENCE_REPORT_MUNICIPALITIES[mun.id], '54', headcount, flag(plan.connected), flag(plan.journalLinked), flag(plan.govLabel), ...dates].join(','),
        );
      }
    }
  }
  return lines.join('\n');
}

/** Every event of the plan (ids rr-1, rr-2, ...): registrations, April's activity, the week's; then the onboarding's administrators and chats. */
export function referenceReportEvents(): ReferenceEvent[] {
  let seq = 0;
  const events: ReferenceEvent[] = [];
  const event = (type: string, time: string, data: Record<string, unknown>) => events.push({ specversion: '1.0', id: `rr-${++seq}`, source: 'urn:reference-report', type, time, data });
  for (const plan of REFERENCE_REPORT.CATEGORIES) {
    for (const mun of plan.municipalities) {
      const orgOf = (person: number) => orgIdOf(plan, mun.id, person % mun.active);
      const teacher = (t: number) => `${plan.prefix}-${mun.id}-t${t}`;
      for (let t = 0; t < mun.teachers; t++) event('ru.sferum.user.registered', '2023-03-20T09:00:00+07:00', { userId: teacher(t), orgId: orgOf(t), role: 'teacher' });
      for (let s = 0; s < mun.students; s++) event('ru.sferum.user.registered', '2023-03-20T09:00:00+07:00', { userId: `${plan.prefix}-${mun.id}-s${s}`, orgId: orgOf(s), role: 'student' });
      // April: one direct message each (activity of the month, no group message).
      for (let t = 0; t < mun.aprilActive; t++) {
        event('ru.sferum.message.sent', '2023-04-20T10:00:00+07:00', { userId: teacher(t), chatId: `dm-${teacher(t)}`, chatKind: 'direct', orgId: orgOf(t) });
      }
      // Week 19 (8-14 May): 10 group messages, or 3; a call.
      for (let t = 0; t < mun.writers10 + mun.writers3; t++) {
        const messages = t < mun.writers10 ? 10 : 3;
        for (let i = 0; i < messages; i++) {
          event('ru.sferum.message.sent', `2023-05-10T1${i}:00:00+07:00`, { userId: teacher(t), chatId: `${orgOf(t)}-staff`, chatKind: 'group', orgId: orgOf(t) });
        }
      }
      for (let t = 0; t < mun.callers; t++) {
        event('ru.sferum.call.joined', '2023-05-11T15:00:00+07:00', { userId: teacher(t), callId: `${orgOf(t)}-meeting`, initiator: t === 0, orgId: orgOf(t) });
      }
    }
  }
  const { PREPARED, CHATS } = REFERENCE_REPORT.ONBOARDING;
  for (const o of PREPARED) if (o.adminRegistered !== undefined) event('ru.sferum.user.registered', o.adminRegistered, { userId: `${o.orgId}-admin`, orgId: o.orgId, role: 'admin' });
  for (const c of CHATS) event('ru.sferum.chat.created', c.time, { orgId: c.orgId, chatId: `${c.orgId}-${c.audience}`, chatKind: 'group', audience: c.audience, memberCount: c.memberCount });
  return events;
}
