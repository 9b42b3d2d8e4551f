import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { RegionEntity } from './registry.entities';

/** Per-region drop-detection settings (the domain's AlertSettings as JSON, validated on write and read). */
@Entity({ name: 'alert_settings' })
export class AlertSettingsEntity {
  @PrimaryColumn({ name: 'region_code', type: 'varchar', length: 2 })
  regionCode!: string;

  @ManyToOne(() => RegionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'region_code' })
  region?: RegionEntity;

  @Column({ name: 'settings', type: 'jsonb' })
  settings!: Record<string, unknown>;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/** An alert: active while its condition holds, then resolved. At most one active alert per key. */
@Entity({ name: 'alert' })
@Index('alert_one_active_per_key', ['key'], { unique: true, where: `"state" = 'active'` })
@Index('alert_state_region_idx', ['state', 'regionCode'])
@Check('alert_state_known', `"state" IN ('active', 'resolved')`)
@Check('alert_kind_known', `"kind" IN ('band_worse', 'drop', 'silence')`)
export class AlertEntity {
  @PrimaryGeneratedColumn({ name: 'id', type: 'bigint' })
  id!: string;

  @Column({ name: 'key', type: 'text' })
  key!: string;

  @Column({ name: 'kind', type: 'varchar', length: 16 })
  kind!: string;

  @Column({ name: 'region_code', type: 'varchar', length: 2 })
  regionCode!: string;

  @Column({ name: 'municipality_id', type: 'varchar', length: 128, nullable: true })
  municipalityId!: string | null;

  @Column({ name: 'kpi', type: 'varchar', length: 32, nullable: true })
  kpi!: string | null;

  @Column({ name: 'week', type: 'varchar', length: 8, nullable: true })
  week!: string | null;

  @Column({ name: 'summary', type: 'text' })
  summary!: string;

  @Column({ name: 'details', type: 'jsonb' })
  details!: Record<string, unknown>;

  @Column({ name: 'state', type: 'varchar', length: 16 })
  state!: string;

  @Column({ name: 'first_seen_at', type: 'timestamptz' })
  firstSeenAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;
}

/** The outbox of webhook posts: one row per alert, event and URL, delivered once. */
@Entity({ name: 'alert_notification' })
@Unique('alert_notification_once', ['alertId', 'event', 'url'])
@Index('alert_notification_pending_idx', ['nextAttemptAt'], { where: '"delivered_at" IS NULL' })
@Check('alert_notification_event_known', `"event" IN ('fire', 'resolve')`)
export class AlertNotificationEntity {
  @PrimaryGeneratedColumn({ name: 'id', type: 'bigint' })
  id!: string;

  @Column({ name: 'alert_id', type: 'bigint' })
  alertId!: string;

  @ManyToOne(() => AlertEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'alert_id' })
  alert?: AlertEntity;

  @Column({ name: 'event', type: 'varchar', length: 8 })
  event!: string;

  @Column({ name: 'url', type: 'text' })
  url!: string;

  @Column({ name: 'payload', type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'attempts', type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;
}

export const ALERT_ENTITIES = [AlertSettingsEntity, AlertEntity, AlertNotificationEntity];
