/**
 * The reference region's week of the domain brief (kpi.int-spec.ts pushes
 * it through the real pipeline on ClickHouse 18.16; the cross-version tier
 * runs the KPI queries over it on 18.16 and a current ClickHouse): 1,004
 * general schools of which 944 active, 16,010 registered teachers, 52 with
 * >= 10 group messages, 66 with a call; registry of region 54 in CSV,
 * events as upstream systems send them (CloudEvents, source home region 54).
 */
export const REFERENCE_WEEK = {
  SCHOOLS: 1004,
  ACTIVE_SCHOOLS: 944,
  TEACHERS: 16_010,
  STUDENTS: 2_000,
  WRITERS_10: 52,
  /** 3..9 messages: count for teachers_3_messages only. */
  WRITERS_3: 9,
  CALLERS: 66,
  /** Direct messages never count as group messages, but make the teacher active. */
  DIRECT_ONLY: 30,
} as const;

/** The pseudonym key ingest runs with for the reference week. */
export const REFERENCE_PSEUDONYM_KEY = 'kpi-int-spec-key'.padEnd(48, 'k');

/** Registry: schools s0000..s1003 in two municipalities (the first 10 without a headcount), plus one college. */
export function referenceRegistryCsv(): string {
  const lines = ['org_id,org_name,category,municipality_id,municipality_name,region_code,teacher_headcount'];
  for (let i = 0; i < REFERENCE_WEEK.SCHOOLS; i++) {
    lines.push(`s${String(i).padStart(4, '0')},Школа ${i},general,${i % 2 === 0 ? 'nsk-city' : 'nsk-rural'},${i % 2 === 0 ? 'Новосибирск' : 'Район'},54,${i < 10 ? '' : 20}`);
  }
  lines.push('col-1,Колледж,spo,nsk-city,Новосибирск,54,30');
  return lines.join('\n');
}

export interface ReferenceEvent {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly time: string;
  readonly data: Record<string, unknown>;
}

/** The events of weeks 18 and 19 (ids ref-1, ref-2, ...), and every fifth of them delivered a second time. */
export function referenceWeekEvents(): { events: ReferenceEvent[]; duplicates: ReferenceEvent[] } {
  const { ACTIVE_SCHOOLS, TEACHERS, STUDENTS, WRITERS_10, WRITERS_3, CALLERS, DIRECT_ONLY } = REFERENCE_WEEK;
  let seq = 0;
  const event = (type: string, time: string, data: Record<string, unknown>): ReferenceEvent => ({ specversion: '1.0', id: `ref-${++seq}`, source: 'urn:reference', type, time, data });
  const school = (i: number) => `s${String(i % ACTIVE_SCHOOLS).padStart(4, '0')}`;
  const events: ReferenceEvent[] = [];
  // Registered in week 18 (Monday 2023-05-01), so in force at the ends of weeks 18 and 19.
  for (let t = 0; t < TEACHERS; t++) events.push(event('ru.sferum.user.registered', '2023-05-01T09:00:00+07:00', { userId: `teacher-${t}`, orgId: school(t), role: 'teacher' }));
  for (let s = 0; s < STUDENTS; s++) events.push(event('ru.sferum.user.registered', '2023-05-01T09:00:00+07:00', { userId: `student-${s}`, orgId: school(s), role: 'student' }));
  // Schools s0944..s1003 stay without users; s1000 gets one user only.
  events.push(event('ru.sferum.user.registered', '2023-05-01T09:00:00+07:00', { userId: 'lonely', orgId: 's1000', role: 'teacher' }));
  // Week 19 (2023-05-08 .. 2023-05-14, Novosibirsk)
  for (let w = 0; w < WRITERS_10; w++) {
    for (let m = 0; m < 10 + (w % 4); m++) events.push(event('ru.sferum.message.sent', `2023-05-1${m % 5}T10:0${m % 10}:00+07:00`, { userId: `teacher-${w}`, chatId: `class-${w}`, chatKind: 'group', orgId: school(w) }));
  }
  for (let w = 0; w < WRITERS_3; w++) {
    for (let m = 0; m < 3 + (w % 7); m++) events.push(event('ru.sferum.message.sent', '2023-05-09T12:00:00+07:00', { userId: `teacher-${1000 + w}`, chatId: 'staff', chatKind: 'group', messageKind: m % 2 === 0 ? 'text' : 'file' }));
  }
  for (let c = 0; c < CALLERS; c++) events.push(event('ru.sferum.call.joined', '2023-05-11T15:00:00+07:00', { userId: `teacher-${2000 + c}`, callId: `lesson-${c % 20}`, initiator: c % 3 === 0 }));
  for (let d = 0; d < DIRECT_ONLY; d++) {
    for (let m = 0; m < 12; m++) events.push(event('ru.sferum.message.sent', '2023-05-12T08:00:00+07:00', { userId: `teacher-${3000 + d}`, chatId: `dm-${d}`, chatKind: 'direct' }));
  }
  return { events, duplicates: events.filter((_, i) => i % 5 === 0) };
}
