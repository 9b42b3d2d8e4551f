/**
 * A region built at random from a plan: organizations per category spread
 * over municipalities of unequal size, teacher headcounts, registered
 * teachers, students and parents, and heavy-tailed activity (most teachers
 * write little, a few write a lot). Shapes every region has: organizations
 * with 0 or 1 users, teachers of two schools, teachers who are also
 * parents, users who leave and some of whom come back, users who join
 * during the weeks; and their onboarding (profiles/onboarding.ts).
 */
import { type OrgCategory, type Role } from '@sferum/contracts';
import { type Random } from '../random';
import { shiftWeek } from '../zones';
import { type RegionWorld, type RegistrationChange, type SimMunicipality, type SimOrganization, type SimRegion, type SimRegistration, type SimUser } from '../world';
import { activityTime } from './calendar';
import { onboardRegion } from './onboarding';

export interface RegionPlan {
  readonly municipalityNames: readonly string[];
  /** Size of the first municipality (the capital) against the others' (about 1 each). */
  readonly capitalWeight: number;
  readonly organizations: Readonly<Partial<Record<OrgCategory, number>>>;
  /** Median teacher headcount of a general school (log-normal). */
  readonly schoolHeadcount: number;
  /** Registered teachers as a share of the headcount. */
  readonly adoption: number;
  readonly studentsPerTeacher: number;
  readonly parentsPerStudent: number;
  /** Share of teachers who write in group chats at all, and the scale of how much (Pareto). */
  readonly writerShare: number;
  readonly writerScale: number;
  /** Share of teachers who start calls. */
  readonly callerShare: number;
}

/** Headcount of a non-school organization relative to a school's. */
const SIZE_OF: Record<OrgCategory, number> = {
  general: 1,
  spo: 2.2,
  additional: 0.6,
  additional_adult: 0.3,
  preschool: 0.8,
  mouo: 0.25,
  methodical: 0.3,
  pro_dev: 1,
  higher: 12,
  ministry: 2,
};

const ORG_NAMES: Record<OrgCategory, string> = {
  general: 'МБОУ СОШ №',
  spo: 'ГБПОУ Колледж №',
  additional: 'МБУ ДО ЦДТ №',
  additional_adult: 'ДПО Центр №',
  preschool: 'МБДОУ Детский сад №',
  mouo: 'Управление образования №',
  methodical: 'Методический центр №',
  pro_dev: 'Институт повышения квалификации №',
  higher: 'Педагогический университет №',
  ministry: 'Министерство образования',
};

export function buildRegionWorld(plan: RegionPlan, region: SimRegion, weeks: readonly string[], rng: Random): RegionWorld {
  const structure = rng.fork('structure');
  const municipalities: SimMunicipality[] = plan.municipalityNames.map((name, i) => ({
    id: `${region.code}-m${String(i + 1).padStart(2, '0')}`,
    name,
    engagement: Math.min(2, structure.logNormal(1, 0.4)),
  }));
  // Municipality sizes: the first (the regional capital) is large, the rest heavy-tailed.
  const sizes = municipalities.map((_, i) => (i === 0 ? plan.capitalWeight : structure.logNormal(1, 0.6)));
  const sizeTotal = sizes.reduce((a, b) => a + b, 0);
  const pickMunicipality = (): SimMunicipality => {
    let x = structure.next() * sizeTotal;
    for (let i = 0; i < municipalities.length; i++) {
      x -= sizes[i]!;
      if (x < 0) return municipalities[i]!;
    }
    return municipalities[municipalities.length - 1]!;
  };

  const organizations: SimOrganization[] = [];
  for (const [category, count] of Object.entries(plan.organizations) as [OrgCategory, number][]) {
    for (let n = 1; n <= count; n++) {
      const municipality = category === 'ministry' || category === 'higher' || category === 'pro_dev' ? municipalities[0]! : pickMunicipality();
      const headcount = Math.max(1, Math.round(structure.logNormal(plan.schoolHeadcount * SIZE_OF[category], 0.55)));
      organizations.push({
        id: `${region.code}-${category}-${String(n).padStart(4, '0')}`,
        name: category === 'ministry' ? `${ORG_NAMES[category]} (${region.name})` : `${ORG_NAMES[category]} ${n}`,
        category,
        municipalityId: municipality.id,
        municipalityName: municipality.name,
        headcount: structure.chance(0.03) ? null : headcount,
      });
    }
  }

  const people = rng.fork('people');
  const engagementOf = new Map(municipalities.map((m) => [m.id, m.engagement]));
  const first = weeks[0]!;
  const users: SimUser[] = [];
  let userNo = 0;
  const nextId = () => `${region.code}-u${String(++userNo).padStart(7, '0')}`;
  const timeline = (): RegistrationChange[] => {
    // Most registered weeks before the simulated ones; some join during them.
    const joinWeek = people.chance(0.06) ? people.pick(weeks) : shiftWeek(first, -people.int(1, 6));
    const changes: RegistrationChange[] = [{ time: activityTime(people, joinWeek, region.zone, 0), registered: true }];
    if (weeks.length > 1 && people.chance(0.02)) {
      const leaveIndex = people.int(1, weeks.length - 1);
      changes.push({ time: activityTime(people, weeks[leaveIndex]!, region.zone, 0.05), registered: false });
      if (leaveIndex < weeks.length - 1 && people.chance(0.5)) {
        changes.push({ time: activityTime(people, weeks[people.int(leaveIndex + 1, weeks.length - 1)]!, region.zone, 0.05), registered: true });
      }
    }
    return changes.sort((a, b) => a.time - b.time);
  };

  const schools = organizations.filter((o) => o.category === 'general');
  for (const org of organizations) {
    // Shapes: a few organizations nobody joined, a few with a single user.
    const shape = people.next();
    if (shape < 0.04) continue;
    const engagement = engagementOf.get(org.municipalityId) ?? 1;
    const adoption = Math.min(1, plan.adoption * (0.6 + 0.4 * engagement) * people.logNormal(1, 0.15));
    const teachers = shape < 0.06 ? 1 : Math.max(1, Math.round((org.headcount ?? plan.schoolHeadcount) * adoption));
    for (let t = 0; t < teachers; t++) {
      const registrations: SimRegistration[] = [{ orgId: org.id, role: 'teacher' }];
      if (people.chance(0.04) && schools.length > 1) registrations.push({ orgId: people.pick(schools).id, role: 'teacher' });
      if (people.chance(0.02) && schools.length > 1) registrations.push({ orgId: people.pick(schools).id, role: 'parent' });
      const writer = people.chance(Math.min(0.95, plan.writerShare * engagement));
      users.push({
        id: nextId(),
        registrations: dedupeRegistrations(registrations),
        timeline: timeline(),
        writes: writer ? Math.min(60, plan.writerScale * people.pareto(1.6) * engagement) : people.chance(0.3) ? 0.3 : 0,
        calls: people.chance(plan.callerShare * engagement) ? people.logNormal(1, 0.6) : 0,
      });
    }
    if (teachers === 1) continue;
    const pupils = org.category === 'general' || org.category === 'spo' || org.category === 'additional' || org.category === 'preschool';
    if (!pupils) continue;
    const students = Math.round(teachers * plan.studentsPerTeacher * people.logNormal(1, 0.3));
    const addUsers = (role: Role, count: number, writerShare: number) => {
      for (let s = 0; s < count; s++) {
        const writer = people.chance(writerShare);
        users.push({
          id: nextId(),
          registrations: [{ orgId: org.id, role }],
          timeline: timeline(),
          writes: writer ? Math.min(30, 1.5 * people.pareto(1.8)) : 0,
          calls: 0,
        });
      }
    };
    addUsers(org.category === 'preschool' ? 'parent' : 'student', students, 0.05);
    addUsers('parent', Math.round(students * plan.parentsPerStudent), 0.05);
  }
  // Users of organizations the registry does not know: their events count nowhere and are listed as unknown organizations.
  for (let u = 1; u <= Math.max(2, Math.round(users.length / 2000)); u++) {
    users.push({
      id: nextId(),
      registrations: [{ orgId: `${region.code}-unknown-${String(u).padStart(3, '0')}`, role: 'teacher' }],
      timeline: timeline(),
      writes: 3,
      calls: 0,
    });
  }
  // Last, from a stream of its own: the organizations' onboarding (administrators, chats, the registry's dates, organizations being onboarded).
  return onboardRegion({ region, municipalities, organizations, users, weeks }, rng.fork('onboarding'));
}

function dedupeRegistrations(registrations: SimRegistration[]): SimRegistration[] {
  const seen = new Set<string>();
  return registrations.filter((r) => {
    const key = `${r.orgId}/${r.role}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
