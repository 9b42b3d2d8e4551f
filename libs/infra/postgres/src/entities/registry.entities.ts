import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** A federal subject of Russia: "54" Novosibirsk oblast, Asia/Novosibirsk. */
@Entity({ name: 'region' })
@Check('region_code_format', `"code" ~ '^[0-9]{2}$'`)
export class RegionEntity {
  @PrimaryColumn({ name: 'code', type: 'varchar', length: 2 })
  code!: string;

  @Column({ name: 'name', type: 'text' })
  name!: string;

  @Column({ name: 'time_zone', type: 'text' })
  timeZone!: string;
}

@Entity({ name: 'municipality' })
@Index('municipality_region_code_idx', ['regionCode'])
export class MunicipalityEntity {
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 128 })
  id!: string;

  @Column({ name: 'region_code', type: 'varchar', length: 2 })
  regionCode!: string;

  @ManyToOne(() => RegionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'region_code' })
  region?: RegionEntity;

  @Column({ name: 'name', type: 'text' })
  name!: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

@Entity({ name: 'organization' })
@Index('organization_municipality_id_idx', ['municipalityId'])
@Check(
  'organization_category_known',
  `"category" IN ('general', 'spo', 'additional', 'additional_adult', 'preschool', 'mouo', 'methodical', 'pro_dev', 'higher', 'ministry')`,
)
@Check('organization_headcount_non_negative', `"teacher_headcount" IS NULL OR "teacher_headcount" >= 0`)
export class OrganizationEntity {
  /** The `orgId` that events carry. */
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 128 })
  id!: string;

  @Column({ name: 'name', type: 'text' })
  name!: string;

  @Column({ name: 'category', type: 'varchar', length: 32 })
  category!: string;

  @Column({ name: 'municipality_id', type: 'varchar', length: 128 })
  municipalityId!: string;

  @ManyToOne(() => MunicipalityEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'municipality_id' })
  municipality?: MunicipalityEntity;

  @Column({ name: 'teacher_headcount', type: 'integer', nullable: true })
  teacherHeadcount!: number | null;

  @Column({ name: 'connected', type: 'boolean', default: false })
  connected!: boolean;

  @Column({ name: 'journal_linked', type: 'boolean', default: false })
  journalLinked!: boolean;

  @Column({ name: 'gov_label', type: 'boolean', default: false })
  govLabel!: boolean;

  /** The onboarding steps only the registry states (migration 0007): the local date each was done, null when not yet. */
  @Column({ name: 'list_collected', type: 'date', nullable: true })
  listCollected!: string | null;

  @Column({ name: 'passed_to_coordinators', type: 'date', nullable: true })
  passedToCoordinators!: string | null;

  @Column({ name: 'admins_informed', type: 'date', nullable: true })
  adminsInformed!: string | null;

  @Column({ name: 'structure_built', type: 'date', nullable: true })
  structureBuilt!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/** Band edges of one KPI from a date on (percentages as exact decimals). */
@Entity({ name: 'threshold' })
@Check('threshold_kpi_known', `"kpi" IN ('active_schools', 'active_orgs', 'teachers_10_messages', 'teachers_1_call')`)
@Check('threshold_edges_ordered', `"lower_edge" >= 0 AND "lower_edge" <= "upper_edge" AND "upper_edge" <= 100`)
@Unique('threshold_kpi_effective_from_key', ['kpi', 'effectiveFrom'])
export class ThresholdEntity {
  @PrimaryGeneratedColumn({ name: 'id', type: 'integer' })
  id!: number;

  @Column({ name: 'kpi', type: 'varchar', length: 64 })
  kpi!: string;

  /** numeric comes back from pg as a string: exact, as the bands need. */
  @Column({ name: 'lower_edge', type: 'numeric', precision: 7, scale: 4 })
  lowerEdge!: string;

  @Column({ name: 'upper_edge', type: 'numeric', precision: 7, scale: 4 })
  upperEdge!: string;

  @Column({ name: 'effective_from', type: 'date' })
  effectiveFrom!: string;
}

@Entity({ name: 'region_settings' })
@Check('region_settings_denominator_known', `"teacher_denominator" IN ('registered', 'headcount')`)
@Check('region_settings_call_mode_known', `"call_mode" IN ('participated', 'initiated')`)
@Check('region_settings_min_teacher_denominator_range', `"min_teacher_denominator" BETWEEN 1 AND 1000`)
export class RegionSettingsEntity {
  @PrimaryColumn({ name: 'region_code', type: 'varchar', length: 2 })
  regionCode!: string;

  @ManyToOne(() => RegionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'region_code' })
  region?: RegionEntity;

  @Column({ name: 'teacher_denominator', type: 'varchar', length: 16, default: 'registered' })
  teacherDenominator!: string;

  @Column({ name: 'call_mode', type: 'varchar', length: 16, default: 'participated' })
  callMode!: string;

  /** Message kinds that count; null means all kinds. */
  @Column({ name: 'counted_message_kinds', type: 'text', array: true, nullable: true })
  countedMessageKinds!: string[] | null;

  /** Units with fewer teachers show no per-teacher share (migration 0005). */
  @Column({ name: 'min_teacher_denominator', type: 'integer', default: 5 })
  minTeacherDenominator!: number;
}

/** An upstream system that pushes events. */
@Entity({ name: 'source' })
export class SourceEntity {
  @PrimaryColumn({ name: 'name', type: 'varchar', length: 64 })
  name!: string;

  @Column({ name: 'home_region', type: 'varchar', length: 2 })
  homeRegion!: string;

  @ManyToOne(() => RegionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'home_region' })
  home?: RegionEntity;

  /** Regions it may send for; null means every region. */
  @Column({ name: 'allowed_regions', type: 'text', array: true, nullable: true })
  allowedRegions!: string[] | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** A bearer key, stored as its SHA-256 only; shown once at creation. */
@Entity({ name: 'api_key' })
@Check('api_key_role_known', `"role" IN ('source', 'admin', 'reader')`)
@Check('api_key_source_role', `("role" = 'source') = ("source_name" IS NOT NULL)`)
export class ApiKeyEntity {
  @PrimaryGeneratedColumn({ name: 'id', type: 'integer' })
  id!: number;

  @Column({ name: 'role', type: 'varchar', length: 16 })
  role!: string;

  @Column({ name: 'source_name', type: 'varchar', length: 64, nullable: true })
  sourceName!: string | null;

  @ManyToOne(() => SourceEntity, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'source_name' })
  source?: SourceEntity | null;

  @Column({ name: 'key_hash', type: 'char', length: 64, unique: true })
  keyHash!: string;

  /** First characters of the key, to tell keys apart in listings. */
  @Column({ name: 'key_prefix', type: 'varchar', length: 16 })
  keyPrefix!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;
}

export const REGISTRY_ENTITIES = [
  RegionEntity,
  MunicipalityEntity,
  OrganizationEntity,
  ThresholdEntity,
  RegionSettingsEntity,
  SourceEntity,
  ApiKeyEntity,
];
