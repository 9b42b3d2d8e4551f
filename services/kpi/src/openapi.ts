import {
  ALERT_KINDS,
  API_KEY_ROLES,
  BANDS,
  IDENTIFIER_PATTERN,
  CALENDAR_MONTH_PATTERN,
  ISO_DATE_PATTERN,
  ISO_WEEK_PATTERN,
  KPI_IDS,
  KPI_SETTINGS_SCHEMA,
  TARGET_IDS,
  type TargetId,
  MIN_TEACHER_DENOMINATOR_SCHEMA,
  objectSchema,
  ORG_CATEGORIES,
  REGION_CODE_PATTERN,
  SUPPRESSED_SCHEMA,
  DEFAULT_STUCK_DAYS,
  MAX_STUCK_DAYS,
  ONBOARDING_STEPS,
  type JsonSchema,
  type RegistryOnboardingStep,
  type KpiId,
} from '@sferum/contracts';
import {
  GROUP_BYS,
  ORGANIZATION_CSV_COLUMNS,
  ORGANIZATION_FACT_COLUMNS,
  ORGANIZATION_ONBOARDING_COLUMNS,
  PERIOD_KINDS,
  type AlertSettings,
  type CsvProblem,
  type FunnelRow,
  type FunnelStepCount,
  type StuckOrganization,
  type KpiRow,
  type KpiRowValue,
  type MunicipalityMove,
  type TargetValue,
  type Threshold,
} from '@sferum/domain';
import {
  jsonResponse,
  OBSERVABILITY_OPERATIONS,
  problemResponse,
  schemaRef,
  type ParameterDescription,
  type ServiceApi,
} from '@sferum/infra-http';
import {
  ALERT_STATES,
  type AlertView,
  type ImportCounts,
  type ImportReport,
  type listMunicipalities,
  type OrganizationView,
  type RegionView,
} from '@sferum/infra-postgres';
import { type UnknownOrganization } from '@sferum/infra-clickhouse';
import { type FunnelAnswer } from './funnel/funnel.service';
import { type HistoryPoint, type KpiAnswer, type KpiHistory } from './kpi/kpi-query.service';

/** The date the registry states for an onboarding step (CSV column of the step's name). */
const registryStepDate = (step: RegistryOnboardingStep): JsonSchema => ({
  type: ['string', 'null'],
  format: 'date',
  description: `the local date the registry states for the onboarding step ${step} (CSV column ${step}); null, not yet`,
});

// Schemas of the answers, each checked against its TypeScript type by objectSchema.
const string = { type: 'string' };
const count = { type: 'integer', minimum: 0 };
const date = { type: 'string', format: 'date' };
const week = { type: 'string', pattern: ISO_WEEK_PATTERN.source, examples: ['2023-W19'] };
const month = { type: 'string', pattern: CALENDAR_MONTH_PATTERN.source, examples: ['2023-04'] };
const periodKind = { enum: PERIOD_KINDS, description: 'week: an ISO week; month: a calendar month; both in the region zone' };
/** The fields that name a period (PeriodFields): week and weekStart, or month and monthStart. */
const PERIOD_FIELDS = {
  period: periodKind,
  week: { ...week, description: 'with period week' },
  weekStart: { ...date, description: 'with period week: its Monday' },
  month: { ...month, description: 'with period month' },
  monthStart: { ...date, description: 'with period month: its first day' },
};
const PERIOD_OPTIONAL = { week: true, weekStart: true, month: true, monthStart: true } as const;
const dateTime = { type: 'string', format: 'date-time' };
const percent = { type: ['number', 'null'], description: 'percent, rounded half-up to 2 decimals; null for an empty denominator or when withheld (suppressed)' };
const band = { enum: [...BANDS, null], description: "decided on the exact fraction with the thresholds in force on the week Monday; null when withheld, and in a month's answer (the bands are weekly)" };
const withheldCount = { type: ['integer', 'null'], minimum: 0, description: 'null in a small cell (suppressed)' };
const level = { enum: ['region', ...GROUP_BYS] };
const ofKpis = (schema: JsonSchema) => Object.fromEntries(KPI_IDS.map((id) => [id, schema])) as Record<KpiId, JsonSchema>;

const SCHEMAS: Record<string, JsonSchema> = {
  KpiValue: objectSchema<KpiRowValue>(
    {
      numerator: withheldCount,
      denominator: count,
      value: percent,
      band,
      previous: { ...percent, description: 'the value a week earlier; null when it had no denominator or was withheld' },
      suppressed: SUPPRESSED_SCHEMA,
    },
    { optional: { suppressed: true } },
  ),
  KpiRow: objectSchema<KpiRow>(
    {
      level,
      id: string,
      name: string,
      kpis: objectSchema<KpiRow['kpis']>(ofKpis(schemaRef('KpiValue'))),
      targets: objectSchema<KpiRow['targets']>(Object.fromEntries(TARGET_IDS.map((id) => [id, schemaRef('TargetValue')])) as Record<TargetId, JsonSchema>, {
        description: 'the federal targets (100%) at the end of the period: orgs_connected, teachers_registered (of the teacher headcount), schools_journal_linked, orgs_gov_label',
      }),
      counters: objectSchema<KpiRow['counters']>({
        orgs: count,
        active_orgs: count,
        registered_users: count,
        registered_teachers: count,
        registered_students: count,
        registered_parents: count,
        teacher_headcount: count,
        teachers_3_messages: withheldCount,
        teachers_10_messages: withheldCount,
        teachers_1_call: withheldCount,
        active_teachers: withheldCount,
      }),
      orgsWithoutHeadcount: { ...count, description: 'with the headcount denominator: organizations counted by their registered teachers' },
      suppressed: { ...SUPPRESSED_SCHEMA, description: "a small cell: the teacher shares, their numerators and bands, and the counts of active teachers are withheld (null); the registration counts stay" },
      minTeacherDenominator: { ...MIN_TEACHER_DENOMINATOR_SCHEMA, description: "with suppressed: the region's minimum the unit's teachers are below" },
    },
    { optional: { orgsWithoutHeadcount: true, suppressed: true, minTeacherDenominator: true } },
  ),
  TargetValue: objectSchema<TargetValue>({
    numerator: count,
    denominator: count,
    value: { ...percent, description: 'percent, rounded half-up to 2 decimals; null for an empty denominator' },
    gap: { type: ['number', 'null'], minimum: 0, description: 'what is missing to 100%: 100 - value, 0 at or above it' },
    previous: { ...percent, description: 'the value a period earlier' },
  }),
  KpiSettings: KPI_SETTINGS_SCHEMA,
  KpiAnswer: objectSchema<KpiAnswer>(
    {
      region: string,
      ...PERIOD_FIELDS,
      timeZone: string,
      partial: { type: 'boolean', description: 'the period is not over yet' },
      settings: schemaRef('KpiSettings'),
      rows: { type: 'array', items: schemaRef('KpiRow'), description: 'the region, or one row per unit of groupBy' },
    },
    { optional: PERIOD_OPTIONAL },
  ),
  FunnelAnswer: objectSchema<FunnelAnswer>(
    {
      region: string,
      regionName: string,
      ...PERIOD_FIELDS,
      timeZone: string,
      partial: { type: 'boolean', description: 'the period is not over yet: the funnel is taken at the start of the current hour' },
      at: { ...dateTime, description: 'the instant the funnel is taken at (exclusive): the period end' },
      stuckDays: count,
      registryVersion: count,
      steps: {
        type: 'array',
        items: objectSchema<FunnelAnswer['steps'][number]>({ step: { type: 'integer', minimum: 1, maximum: 8 }, id: { enum: ONBOARDING_STEPS }, name: string }),
        description: 'the 8 steps, in order, named in lang',
      },
      rows: { type: 'array', items: schemaRef('FunnelRow'), description: 'the region, or one row per unit of groupBy' },
      stuck: { type: 'array', items: schemaRef('StuckOrganization'), description: 'organizations at a step below the last for more than stuckDays days, longest first' },
    },
    { optional: PERIOD_OPTIONAL },
  ),
  FunnelRow: objectSchema<FunnelRow>({
    level: { enum: ['region', ...GROUP_BYS] },
    id: string,
    name: string,
    organizations: { ...count, description: 'organizations of the unit in the registry' },
    notStarted: { ...count, description: 'organizations with no step shown' },
    completed: { ...count, description: 'organizations at the last step' },
    steps: {
      type: 'array',
      items: objectSchema<FunnelStepCount>({
        step: { type: 'integer', minimum: 1, maximum: 8 },
        id: { enum: ONBOARDING_STEPS },
        reached: { ...count, description: 'organizations at this step or a later one' },
        atStep: { ...count, description: 'organizations whose furthest step is this one' },
        stuck: { ...count, description: 'of those, at it for more than stuckDays days' },
      }),
    },
  }),
  StuckOrganization: objectSchema<StuckOrganization>({
    orgId: string,
    orgName: string,
    municipalityId: string,
    municipalityName: string,
    category: { enum: ORG_CATEGORIES },
    step: { type: 'integer', minimum: 1, maximum: 7 },
    stepId: { enum: ONBOARDING_STEPS },
    since: { ...dateTime, description: 'when it reached its step' },
    days: { ...count, description: 'whole days since then' },
  }),
  HistoryPoint: objectSchema<HistoryPoint>(
    {
      ...PERIOD_FIELDS,
      partial: { type: 'boolean' },
      numerator: withheldCount,
      denominator: count,
      value: percent,
      band: { type: ['string', 'null'], enum: [...BANDS, null] },
      suppressed: SUPPRESSED_SCHEMA,
      gap: { type: ['number', 'null'], minimum: 0, description: 'of a federal target: what is missing to 100%' },
    },
    { optional: { suppressed: true, gap: true, ...PERIOD_OPTIONAL } },
  ),
  KpiHistory: objectSchema<KpiHistory>({
    region: string,
    kpi: { enum: [...KPI_IDS, ...TARGET_IDS] },
    period: periodKind,
    from: { anyOf: [week, month] },
    to: { anyOf: [week, month] },
    timeZone: string,
    minTeacherDenominator: MIN_TEACHER_DENOMINATOR_SCHEMA,
    series: {
      type: 'array',
      items: objectSchema<KpiHistory['series'][number]>({ level, id: string, name: string, points: { type: 'array', items: schemaRef('HistoryPoint') } }),
    },
  }),
  Region: objectSchema<RegionView>({ code: { type: 'string', pattern: REGION_CODE_PATTERN.source }, name: string, timeZone: string, municipalities: count, organizations: count }),
  Municipality: objectSchema<Awaited<ReturnType<typeof listMunicipalities>>[number]>({ id: string, name: string, organizations: count }),
  Organization: objectSchema<OrganizationView>({
    orgId: string,
    orgName: string,
    category: { enum: ORG_CATEGORIES },
    municipalityId: string,
    municipalityName: string,
    regionCode: string,
    teacherHeadcount: { type: ['integer', 'null'], minimum: 0 },
    connected: { type: 'boolean', description: 'the registry states its profile connected (CSV column connected)' },
    journalLinked: { type: 'boolean', description: 'the registry states its electronic journal linked (CSV column journal_linked)' },
    govLabel: { type: 'boolean', description: 'the registry states its community page labelled a government organization (CSV column gov_label)' },
    onboarding: objectSchema<OrganizationView['onboarding']>({
      list_collected: registryStepDate('list_collected'),
      passed_to_coordinators: registryStepDate('passed_to_coordinators'),
      admins_informed: registryStepDate('admins_informed'),
      structure_built: registryStepDate('structure_built'),
    }),
  }),
  UnknownOrganization: objectSchema<UnknownOrganization>({
    orgId: string,
    source: { ...string, description: 'the registered source that sent its events' },
    events: { type: 'object', additionalProperties: count, description: 'distinct events per event type' },
    firstEventTime: dateTime,
    lastEventTime: dateTime,
  }),
  ImportReport: objectSchema<ImportReport & { readonly dryRun: false }>({
    dryRun: { const: false },
    rows: count,
    municipalities: objectSchema<ImportCounts>({ inserted: count, updated: count, unchanged: count }),
    organizations: objectSchema<ImportCounts>({ inserted: count, updated: count, unchanged: count }),
    municipalityMoves: { type: 'array', items: schemaRef('MunicipalityMove'), description: 'municipalities moved to another region (only with allowMunicipalityMoves=true)' },
  }),
  MunicipalityMove: objectSchema<MunicipalityMove>({
    municipalityId: string,
    municipalityName: { ...string, description: 'as the file names it' },
    fromRegion: { type: 'string', pattern: REGION_CODE_PATTERN.source, description: 'the region the registry places it in' },
    toRegion: { type: 'string', pattern: REGION_CODE_PATTERN.source, description: 'the region the file places it in' },
  }),
  CsvProblem: objectSchema<CsvProblem>({
    line: { type: 'integer', minimum: 1 },
    column: { enum: [...ORGANIZATION_CSV_COLUMNS, ...ORGANIZATION_FACT_COLUMNS, ...ORGANIZATION_ONBOARDING_COLUMNS, null] },
    reason: string,
  }),
  AlertSettings: objectSchema<AlertSettings>({
    enabled: { type: 'boolean', description: 'false mutes the region: no alert fires or resolves' },
    dropPoints: { type: 'number', description: 'fall in percentage points that alerts (X)' },
    dropRelativePercent: { type: 'number', description: 'fall relative to the baseline mean that alerts, percent (Y)' },
    baselineWeeks: { type: 'integer', description: 'weeks before the last one whose mean is the baseline (N)' },
    silenceHours: { type: 'integer', description: 'school hours without any event that make a region silent (H)' },
    schoolDays: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 7 }, description: 'ISO weekdays with school hours, 1 = Monday' },
    schoolDayStartHour: { type: 'integer', minimum: 0, maximum: 23 },
    schoolDayEndHour: { type: 'integer', minimum: 1, maximum: 24 },
  }),
  Threshold: objectSchema<Threshold>({
    kpi: { enum: KPI_IDS },
    lower: { type: 'string', description: 'percentage as a decimal string', examples: ['0.5'] },
    upper: { type: 'string', description: 'percentage as a decimal string', examples: ['1'] },
    effectiveFrom: { type: 'string', pattern: ISO_DATE_PATTERN.source, description: 'first day in force' },
  }),
  Alert: objectSchema<AlertView>({
    id: string,
    key: string,
    kind: { enum: ALERT_KINDS },
    region: string,
    municipality: { type: ['string', 'null'] },
    kpi: { type: ['string', 'null'] },
    week: { type: ['string', 'null'] },
    summary: string,
    details: { type: 'object' },
    state: { enum: ALERT_STATES },
    firstSeenAt: dateTime,
    lastSeenAt: dateTime,
    resolvedAt: { ...dateTime, type: ['string', 'null'] },
  }),
};

const items = (name: string, more: Record<string, JsonSchema> = {}): JsonSchema => ({
  type: 'object',
  required: [...Object.keys(more), 'items'],
  properties: { ...more, items: { type: 'array', items: schemaRef(name) } },
});

const query = (name: string, schema: JsonSchema, description?: string, required = false): ParameterDescription => ({
  name,
  in: 'query',
  schema,
  ...(required ? { required } : {}),
  ...(description === undefined ? {} : { description }),
});
const regionCode = { type: 'string', pattern: REGION_CODE_PATTERN.source, examples: ['54'] };
const identifier = { type: 'string', pattern: IDENTIFIER_PATTERN.source };
const UNIT = [
  query('region', regionCode, 'the region', true),
  query('groupBy', { enum: GROUP_BYS }, 'one row per unit of this level'),
  query('municipality', identifier, 'only this municipality'),
  query('category', { enum: ORG_CATEGORIES }, 'only organizations of this category'),
];
const PERIOD = [
  query('period', periodKind, 'week (default) or month; month also when only month is given'),
  query('week', week, 'with period week: the ISO week in the region zone; default: the last complete week'),
  query('month', month, "with period month: the calendar month in the region zone; default: the last complete month. A month's shares carry no band (the bands are weekly)"),
];
const LANG = query('lang', { enum: ['en', 'ru'] }, 'the language of the headers (default en)');
const CODE = { name: 'code', in: 'path', schema: regionCode, description: 'region code' } as const;
const BAD_QUERY = problemResponse('a parameter is missing or malformed, or names an unknown region, municipality or category; `parameter` says which');
const CSV = { 'text/csv': { schema: { type: 'string' } } };
const SMALL_CELLS =
  "A unit whose teacher denominator or registered teachers are fewer than the region's minTeacherDenominator (settings, default 5) is a small cell: " +
  'its counts and organization indicators are shown, its teacher shares (numerator, value, band) and counts of active teachers are null, and the row says suppressed: small_cell with the minimum.';

const WEEKLY_REPORT_PARAMETERS = [
  query('region', regionCode, 'the region', true),
  query('week', week, 'ISO week in the region zone; default: the last complete week'),
  query('lang', { enum: ['ru', 'en'] }, 'the language of the report (default ru)'),
];
const BAD_REPORT_QUERY = problemResponse('a parameter other than region, week and lang, or one that is missing, malformed or names an unknown region; `parameter` says which');
const WEEKLY_REPORT =
  'The weekly report a coordinator sends to the ministry, per category of organization present in the region (general education, vocational, additional education, ...): ' +
  'the blocks of the slides (active organizations, registered users, registered teachers with their share of the headcount, students, teachers active in the last calendar month complete at the week end, teachers with at least 3 and 10 group-chat messages and 1 call in the week), ' +
  'the federal targets with their gap to 100%, the banded indicators with their band words, and the municipalities traffic-light table (a fill per band; a small cell says so). ' +
  'The same report as GET /v1/report.xlsx and GET /report/weekly; in Russian unless lang=en. A browser without a key is asked for one (Basic, the key as the password).';

/**
 * The KPI service's API, without what its routes say themselves (the paths,
 * the key each needs, the success status): the OpenAPI 3.1 document is
 * generated from this and the routes, served at /docs and /docs/json.
 */
export const KPI_API: ServiceApi = {
  info: {
    title: 'Sferum KPI',
    version: '1',
    description:
      'Federal adoption indicators of the Sferum platform by region, municipality, category and organization, per ISO week in the region time zone, the registry of organizations, KPI settings, thresholds and alerts. Nothing in any answer identifies a person. ' +
      `Keys are of the roles ${API_KEY_ROLES.join(', ')}: every read operation needs a reader or admin key (Authorization: Bearer <key>; from a browser, such as the report page, the key as the password of Basic credentials), unless the operator opens reads with READ_KEYS_REQUIRED=false; writes always need an admin key. ` +
      'Keys are checked before a request body is read. Each key (each client address, where reads are open) may make KPI_RATE_PER_KEY requests a minute, KPI_RATE_BURST at once: above that, 429 with Retry-After. Bodies are limited to 64 KiB, the registry import to REGISTRY_IMPORT_MAX_BYTES.',
  },
  schemas: SCHEMAS,
  operations: {
    'GET /v1/kpi': {
      summary: 'Indicators and counters of the region, or one row per unit',
      description: SMALL_CELLS,
      tags: ['kpi'],
      parameters: [...UNIT, ...PERIOD],
      responses: { 200: jsonResponse(`rows with kpis (${KPI_IDS.join(', ')}) and counters`, schemaRef('KpiAnswer')), 400: BAD_QUERY },
    },
    'GET /v1/kpi/history': {
      summary: 'Weekly or monthly series of one indicator',
      description: `${SMALL_CELLS} In a history, such a period's point of a teacher share carries suppressed.`,
      tags: ['kpi'],
      parameters: [
        ...UNIT,
        query('kpi', { enum: [...KPI_IDS, ...TARGET_IDS] }, 'the indicator or federal target', true),
        query('period', periodKind, 'week (default) or month: the kind of from and to'),
        query('from', { anyOf: [week, month] }, 'first week (2023-W10) or month (2023-01)', true),
        query('to', { anyOf: [week, month] }, 'last week or month', true),
      ],
      responses: { 200: jsonResponse('series per unit, at most 104 weeks or 24 months', schemaRef('KpiHistory')), 400: BAD_QUERY },
    },
    'GET /v1/kpi/export.csv': {
      summary: 'The rows of /v1/kpi as CSV (UTF-8 with BOM); lang=ru for Russian headers',
      description: 'Withheld figures of a small cell are empty; the last column (suppressed) says why, with the minimum.',
      tags: ['kpi'],
      parameters: [...UNIT, ...PERIOD, LANG],
      responses: { 200: { description: 'a CSV attachment', content: CSV }, 400: BAD_QUERY },
    },
    'GET /v1/kpi/export.xlsx': {
      summary: 'The rows of /v1/kpi as an Excel workbook',
      description: 'Withheld figures of a small cell are empty; the last column (suppressed) says why, with the minimum.',
      tags: ['kpi'],
      parameters: [...UNIT, ...PERIOD, LANG],
      responses: {
        200: {
          description: 'an Excel attachment',
          content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
        },
        400: BAD_QUERY,
      },
    },
    'GET /v1/funnel': {
      summary: 'The onboarding funnel: per unit, the organizations at each of the 8 steps, and those stuck',
      description:
        'Every organization of the registry at its furthest step at the period end: steps 1, 2 (or connected), 3 and 5 by the registry dates (CSV columns list_collected, passed_to_coordinators, admins_informed, structure_built), ' +
        '2, 4, 6, 7 and 8 by the events (org.connected; a user.registered as admin; as teacher; a message or call naming the organization by its staff; a chat.created for the whole staff). ' +
        'An organization is stuck when at a step below the last for more than stuckDays days (an undated registry `connected` alone is never stuck).',
      tags: ['kpi'],
      parameters: [
        ...UNIT,
        ...PERIOD,
        query('stuckDays', { type: 'integer', minimum: 0, maximum: MAX_STUCK_DAYS, default: DEFAULT_STUCK_DAYS }, 'days at a step after which an organization counts as stuck'),
        query('lang', { enum: ['ru', 'en'] }, 'the language of the step names (default ru)'),
      ],
      responses: { 200: jsonResponse('rows per unit and the stuck organizations', schemaRef('FunnelAnswer')), 400: BAD_QUERY },
    },
    'GET /v1/report.xlsx': {
      summary: 'The weekly report a coordinator sends, as an Excel workbook: a sheet per category of organization',
      description: `${WEEKLY_REPORT} Counts of the table are number cells, every other figure text as the slides print it.`,
      tags: ['report'],
      parameters: WEEKLY_REPORT_PARAMETERS,
      responses: {
        200: {
          description: 'an Excel attachment, sferum-report-<region>-<week>.xlsx',
          content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
        },
        400: BAD_REPORT_QUERY,
      },
    },
    'GET /v1/registry/regions': {
      summary: 'Regions with their time zones',
      tags: ['registry'],
      responses: { 200: jsonResponse('every region', items('Region')) },
    },
    'GET /v1/registry/regions/{code}/municipalities': {
      summary: 'Municipalities of a region',
      tags: ['registry'],
      parameters: [CODE],
      responses: {
        200: jsonResponse('every municipality', items('Municipality', { region: string })),
        400: problemResponse('not a known region code'),
      },
    },
    'GET /v1/registry/organizations': {
      summary: 'Organizations of the registry, a page at a time',
      tags: ['registry'],
      parameters: [
        query('region', regionCode),
        query('municipality', identifier),
        query('category', { enum: ORG_CATEGORIES }),
        query('limit', { type: 'integer', minimum: 1, maximum: 1000, default: 100 }),
        query('offset', { type: 'integer', minimum: 0, default: 0 }),
      ],
      responses: { 200: jsonResponse('a page, ordered by id', items('Organization', { total: count, limit: count, offset: count })), 400: BAD_QUERY },
    },
    'GET /v1/registry/organizations/export': {
      summary: 'The registry CSV of a region (or of all), in the import format',
      tags: ['registry'],
      parameters: [query('region', regionCode)],
      responses: { 200: { description: 'the CSV, ordered by org_id', content: CSV }, 400: BAD_QUERY },
    },
    'GET /v1/registry/unknown-organizations': {
      summary: 'Organization ids that events named and the registry does not know',
      description: 'Each with its source, the distinct events per type and the first and last event time. Their events count nowhere until the organization is imported; then their whole history counts where the registry places it.',
      tags: ['registry'],
      parameters: [query('limit', { type: 'integer', minimum: 1, maximum: 1000, default: 100 }), query('offset', { type: 'integer', minimum: 0, default: 0 })],
      responses: { 200: jsonResponse('a page, ordered by organization id and source', items('UnknownOrganization', { total: count, limit: count, offset: count })), 400: BAD_QUERY },
    },
    'GET /v1/registry/organizations/{id}': {
      summary: 'One organization',
      tags: ['registry'],
      parameters: [{ name: 'id', in: 'path', schema: identifier }],
      responses: {
        200: jsonResponse('the organization', schemaRef('Organization')),
        400: problemResponse('not an identifier'),
        404: problemResponse('no such organization in the registry'),
      },
    },
    'POST /v1/registry/organizations/import': {
      summary: 'Upsert organizations from CSV (admin key)',
      description:
        'The whole file applies in one transaction or not at all; every bad row is reported with its line, column and reason. Names and ids a spreadsheet could read as a formula (beginning with =, +, -, @, a tab or CR, or with one right after a semicolon) are row problems. A file that places an existing municipality in another region is refused unless allowMunicipalityMoves=true; moving organizations between municipalities needs no flag.',
      tags: ['registry'],
      parameters: [
        query('dryRun', { type: 'boolean', default: false }, 'validate (and check for municipality moves) without writing'),
        query('allowMunicipalityMoves', { type: 'boolean', default: false }, 'apply a file that moves existing municipalities to other regions'),
      ],
      requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string', description: `columns: ${ORGANIZATION_CSV_COLUMNS.join(',')}` } } } },
      responses: {
        200: jsonResponse('counts', {
          oneOf: [
            schemaRef('ImportReport'),
            { type: 'object', required: ['dryRun', 'rows'], properties: { dryRun: { const: true }, rows: count }, additionalProperties: false },
          ],
        }),
        400: {
          description: 'an empty body, a dryRun or allowMunicipalityMoves other than true or false, or municipality moves to another region without allowMunicipalityMoves=true (then `municipalityMoves` lists each, nothing was applied)',
          content: {
            'application/problem+json': {
              schema: { allOf: [schemaRef('Problem')], properties: { municipalityMoves: { type: 'array', items: schemaRef('MunicipalityMove') } } },
            },
          },
        },
        415: problemResponse('not text/csv'),
        422: {
          description: 'row problems; nothing was applied',
          content: {
            'application/problem+json': {
              schema: {
                allOf: [schemaRef('Problem')],
                properties: { problemCount: count, problems: { type: 'array', maxItems: 1000, items: schemaRef('CsvProblem') } },
              },
            },
          },
        },
      },
    },
    'GET /v1/registry/regions/{code}/settings': {
      summary: "The region's KPI settings",
      tags: ['settings'],
      parameters: [CODE],
      responses: { 200: jsonResponse('the settings in force', schemaRef('KpiSettings')), 400: problemResponse('not a known region code') },
    },
    'PUT /v1/registry/regions/{code}/settings': {
      summary: "Replace the region's KPI settings (admin key)",
      description: 'A field left out takes its default (registered, participated, every message kind, minTeacherDenominator 5). minTeacherDenominator must be an integer from 1 to 1000.',
      tags: ['settings'],
      parameters: [CODE],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: { type: 'object', properties: KPI_SETTINGS_SCHEMA['properties'], additionalProperties: false, description: 'any of the settings; a field left out takes its default' },
          },
        },
      },
      responses: { 200: jsonResponse('the settings stored', schemaRef('KpiSettings')), 400: problemResponse('not a known region code, or invalid settings') },
    },
    'GET /v1/registry/regions/{code}/alert-settings': {
      summary: "The region's drop detection settings",
      tags: ['settings'],
      parameters: [CODE],
      responses: { 200: jsonResponse('the settings in force', schemaRef('AlertSettings')), 400: problemResponse('not a known region code') },
    },
    'PUT /v1/registry/regions/{code}/alert-settings': {
      summary: "Change the region's drop detection settings (admin key)",
      tags: ['settings'],
      parameters: [CODE],
      requestBody: { required: true, content: { 'application/json': { schema: { allOf: [schemaRef('AlertSettings')], required: [], description: 'any of the settings; the rest keep their values' } } } },
      responses: { 200: jsonResponse('the settings stored', schemaRef('AlertSettings')), 400: problemResponse('not a known region code, not an object, or invalid settings') },
    },
    'GET /v1/registry/thresholds': {
      summary: 'The effective-dated KPI thresholds',
      tags: ['settings'],
      responses: { 200: jsonResponse('every threshold', items('Threshold')) },
    },
    'PUT /v1/registry/thresholds/{kpi}': {
      summary: 'Set a KPI threshold from a date on (admin key)',
      tags: ['settings'],
      parameters: [{ name: 'kpi', in: 'path', schema: { enum: KPI_IDS } }],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['lower', 'upper', 'effectiveFrom'],
              properties: {
                lower: { type: ['string', 'number'], description: 'percentage' },
                upper: { type: ['string', 'number'], description: 'percentage' },
                effectiveFrom: { type: 'string', pattern: ISO_DATE_PATTERN.source },
              },
            },
          },
        },
      },
      responses: { 200: jsonResponse('the threshold stored', schemaRef('Threshold')), 400: problemResponse('an unknown KPI id or invalid edges or date') },
    },
    'GET /v1/alerts': {
      summary: 'Active and resolved alerts, newest first',
      tags: ['alerts'],
      parameters: [
        query('state', { enum: ALERT_STATES }),
        query('region', regionCode),
        query('kind', { enum: ALERT_KINDS }),
        query('limit', { type: 'integer', minimum: 1, maximum: 10_000, default: 500 }),
      ],
      responses: { 200: jsonResponse('the alerts', items('Alert')), 400: problemResponse('an unknown parameter, or a malformed or unknown value') },
    },
    'GET /report': {
      summary: "A region's week as a printable HTML page",
      description: 'The municipality traffic-light table, the region indicators and 12 weeks of trend with their band edges, for people without Grafana; in Russian unless lang=en.',
      tags: ['report'],
      parameters: [
        query('region', regionCode, 'the region', true),
        query('week', week, 'ISO week in the region zone; default: the last complete week'),
        query('lang', { enum: ['ru', 'en'] }, 'the language of the page (default ru)'),
      ],
      responses: { 200: { description: 'the page', content: { 'text/html': { schema: { type: 'string' } } } }, 400: BAD_QUERY },
    },
    'GET /report/weekly': {
      summary: 'The weekly report a coordinator sends, as a printable page (A4 portrait)',
      description: WEEKLY_REPORT,
      tags: ['report'],
      parameters: WEEKLY_REPORT_PARAMETERS,
      responses: { 200: { description: 'the page', content: { 'text/html': { schema: { type: 'string' } } } }, 400: BAD_REPORT_QUERY },
    },
    'GET /report/assets/{file}': {
      summary: "The report page's chart library (served here, never from a CDN)",
      tags: ['report'],
      parameters: [{ name: 'file', in: 'path', schema: { enum: ['uPlot.iife.min.js', 'uPlot.min.css'] } }],
      responses: {
        200: { description: 'the file', content: { 'text/javascript': { schema: { type: 'string' } }, 'text/css': { schema: { type: 'string' } } } },
        404: problemResponse('no such asset'),
      },
    },
    ...OBSERVABILITY_OPERATIONS,
  },
};
