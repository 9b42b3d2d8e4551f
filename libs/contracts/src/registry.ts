/** Categories of organization (domain brief, "Organization hierarchy"). */
export const ORG_CATEGORIES = [
  'general',
  'spo',
  'additional',
  'additional_adult',
  'preschool',
  'mouo',
  'methodical',
  'pro_dev',
  'higher',
  'ministry',
] as const;
export type OrgCategory = (typeof ORG_CATEGORIES)[number];

/** Whose count divides the teacher shares. */
export const TEACHER_DENOMINATORS = ['registered', 'headcount'] as const;
export type TeacherDenominator = (typeof TEACHER_DENOMINATORS)[number];

/** Which calls count: taking part (started or joined) or starting only. */
export const CALL_MODES = ['participated', 'initiated'] as const;
export type CallMode = (typeof CALL_MODES)[number];

export const MESSAGE_KINDS = ['text', 'file', 'poll', 'voice', 'sticker', 'emoji', 'other'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const ROLES = ['teacher', 'student', 'parent', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who may hold an API key. */
export const API_KEY_ROLES = ['source', 'admin', 'reader'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** Where an organization sits: what the hot path needs of the registry. */
export interface OrgPlacement {
  readonly regionCode: string;
  readonly municipalityId: string;
  readonly category: OrgCategory;
  readonly timeZone: string;
}
