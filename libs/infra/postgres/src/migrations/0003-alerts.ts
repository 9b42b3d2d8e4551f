import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * 0003: drop detection. Per-region alert settings (the domain's
 * AlertSettings as JSON), the alerts (at most one active per key), and the
 * webhook outbox (one row per alert, event and URL, so each is posted once).
 */
export class Alerts1700000000003 implements MigrationInterface {
  name = 'Alerts1700000000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "alert_settings" ("region_code" character varying(2) NOT NULL, "settings" jsonb NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a96a7397684d473d5af56ae7de7" PRIMARY KEY ("region_code"))`);
    await q.query(`CREATE TABLE "alert" ("id" BIGSERIAL NOT NULL, "key" text NOT NULL, "kind" character varying(16) NOT NULL, "region_code" character varying(2) NOT NULL, "municipality_id" character varying(128), "kpi" character varying(32), "week" character varying(8), "summary" text NOT NULL, "details" jsonb NOT NULL, "state" character varying(16) NOT NULL, "first_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, "resolved_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "alert_kind_known" CHECK ("kind" IN ('band_worse', 'drop', 'silence')), CONSTRAINT "alert_state_known" CHECK ("state" IN ('active', 'resolved')), CONSTRAINT "PK_ad91cad659a3536465d564a4b2f" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "alert_state_region_idx" ON "alert" ("state", "region_code") `);
    await q.query(`CREATE UNIQUE INDEX "alert_one_active_per_key" ON "alert" ("key") WHERE "state" = 'active'`);
    await q.query(`CREATE TABLE "alert_notification" ("id" BIGSERIAL NOT NULL, "alert_id" bigint NOT NULL, "event" character varying(8) NOT NULL, "url" text NOT NULL, "payload" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "delivered_at" TIMESTAMP WITH TIME ZONE, "last_error" text, CONSTRAINT "alert_notification_once" UNIQUE ("alert_id", "event", "url"), CONSTRAINT "alert_notification_event_known" CHECK ("event" IN ('fire', 'resolve')), CONSTRAINT "PK_58ccb2a75a3235a04b95e227729" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "alert_notification_pending_idx" ON "alert_notification" ("next_attempt_at") WHERE "delivered_at" IS NULL`);
    await q.query(`ALTER TABLE "alert_settings" ADD CONSTRAINT "FK_a96a7397684d473d5af56ae7de7" FOREIGN KEY ("region_code") REFERENCES "region"("code") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "alert_notification" ADD CONSTRAINT "FK_62a5cdd5fbcfa0e36fad1dd086f" FOREIGN KEY ("alert_id") REFERENCES "alert"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "alert_notification" DROP CONSTRAINT "FK_62a5cdd5fbcfa0e36fad1dd086f"`);
    await q.query(`ALTER TABLE "alert_settings" DROP CONSTRAINT "FK_a96a7397684d473d5af56ae7de7"`);
    await q.query(`DROP INDEX "public"."alert_notification_pending_idx"`);
    await q.query(`DROP TABLE "alert_notification"`);
    await q.query(`DROP INDEX "public"."alert_one_active_per_key"`);
    await q.query(`DROP INDEX "public"."alert_state_region_idx"`);
    await q.query(`DROP TABLE "alert"`);
    await q.query(`DROP TABLE "alert_settings"`);
  }
}
