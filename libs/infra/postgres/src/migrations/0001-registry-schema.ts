import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** 0001: the registry schema (regions, municipalities, organizations, thresholds, settings, sources, API keys). */
export class RegistrySchema1700000000001 implements MigrationInterface {
  name = 'RegistrySchema1700000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "region" ("code" character varying(2) NOT NULL, "name" text NOT NULL, "time_zone" text NOT NULL, CONSTRAINT "region_code_format" CHECK ("code" ~ '^[0-9]{2}$'), CONSTRAINT "PK_74f7723fdff738f92929c0056cb" PRIMARY KEY ("code"))`);
    await q.query(`CREATE TABLE "municipality" ("id" character varying(128) NOT NULL, "region_code" character varying(2) NOT NULL, "name" text NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_281ad341f20df7c41b83a182e2a" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "municipality_region_code_idx" ON "municipality" ("region_code")`);
    await q.query(`CREATE TABLE "organization" ("id" character varying(128) NOT NULL, "name" text NOT NULL, "category" character varying(32) NOT NULL, "municipality_id" character varying(128) NOT NULL, "teacher_headcount" integer, "connected" boolean NOT NULL DEFAULT false, "onboarding_stage" smallint, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "organization_onboarding_stage_range" CHECK ("onboarding_stage" IS NULL OR "onboarding_stage" BETWEEN 1 AND 8), CONSTRAINT "organization_headcount_non_negative" CHECK ("teacher_headcount" IS NULL OR "teacher_headcount" >= 0), CONSTRAINT "organization_category_known" CHECK ("category" IN ('general', 'spo', 'additional', 'additional_adult', 'preschool', 'mouo', 'methodical', 'pro_dev', 'higher', 'ministry')), CONSTRAINT "PK_472c1f99a32def1b0abb219cd67" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "organization_municipality_id_idx" ON "organization" ("municipality_id")`);
    await q.query(`CREATE TABLE "threshold" ("id" SERIAL NOT NULL, "kpi" character varying(64) NOT NULL, "lower_edge" numeric(7,4) NOT NULL, "upper_edge" numeric(7,4) NOT NULL, "effective_from" date NOT NULL, CONSTRAINT "threshold_kpi_effective_from_key" UNIQUE ("kpi", "effective_from"), CONSTRAINT "threshold_edges_ordered" CHECK ("lower_edge" >= 0 AND "lower_edge" <= "upper_edge" AND "upper_edge" <= 100), CONSTRAINT "threshold_kpi_known" CHECK ("kpi" IN ('active_schools', 'active_orgs', 'teachers_10_messages', 'teachers_1_call')), CONSTRAINT "PK_6276e42ead158fe923697343a38" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "region_settings" ("region_code" character varying(2) NOT NULL, "teacher_denominator" character varying(16) NOT NULL DEFAULT 'registered', "call_mode" character varying(16) NOT NULL DEFAULT 'participated', "counted_message_kinds" text array, CONSTRAINT "region_settings_call_mode_known" CHECK ("call_mode" IN ('participated', 'initiated')), CONSTRAINT "region_settings_denominator_known" CHECK ("teacher_denominator" IN ('registered', 'headcount')), CONSTRAINT "PK_1f5c2a74c329e7e8072a6bb51d2" PRIMARY KEY ("region_code"))`);
    await q.query(`CREATE TABLE "source" ("name" character varying(64) NOT NULL, "home_region" character varying(2) NOT NULL, "allowed_regions" text array, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e64619e22dc97d6525c86ef8af5" PRIMARY KEY ("name"))`);
    await q.query(`CREATE TABLE "api_key" ("id" SERIAL NOT NULL, "role" character varying(16) NOT NULL, "source_name" character varying(64), "key_hash" character(64) NOT NULL, "key_prefix" character varying(16) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_3c9751d2a6011ba13e27838105e" UNIQUE ("key_hash"), CONSTRAINT "api_key_source_role" CHECK (("role" = 'source') = ("source_name" IS NOT NULL)), CONSTRAINT "api_key_role_known" CHECK ("role" IN ('source', 'admin', 'reader')), CONSTRAINT "PK_b1bd840641b8acbaad89c3d8d11" PRIMARY KEY ("id"))`);
    await q.query(`ALTER TABLE "municipality" ADD CONSTRAINT "FK_8e5e4911d4ff174be8c2e71a90c" FOREIGN KEY ("region_code") REFERENCES "region"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "organization" ADD CONSTRAINT "FK_f2b7a0202fce39fd19367daca21" FOREIGN KEY ("municipality_id") REFERENCES "municipality"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "region_settings" ADD CONSTRAINT "FK_1f5c2a74c329e7e8072a6bb51d2" FOREIGN KEY ("region_code") REFERENCES "region"("code") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "source" ADD CONSTRAINT "FK_fc850488dea5c234ff7aa4b541f" FOREIGN KEY ("home_region") REFERENCES "region"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "api_key" ADD CONSTRAINT "FK_4c5bbdf006294c9a84aa21cab78" FOREIGN KEY ("source_name") REFERENCES "source"("name") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "api_key" DROP CONSTRAINT "FK_4c5bbdf006294c9a84aa21cab78"`);
    await q.query(`ALTER TABLE "source" DROP CONSTRAINT "FK_fc850488dea5c234ff7aa4b541f"`);
    await q.query(`ALTER TABLE "region_settings" DROP CONSTRAINT "FK_1f5c2a74c329e7e8072a6bb51d2"`);
    await q.query(`ALTER TABLE "organization" DROP CONSTRAINT "FK_f2b7a0202fce39fd19367daca21"`);
    await q.query(`ALTER TABLE "municipality" DROP CONSTRAINT "FK_8e5e4911d4ff174be8c2e71a90c"`);
    await q.query(`DROP TABLE "api_key"`);
    await q.query(`DROP TABLE "source"`);
    await q.query(`DROP TABLE "region_settings"`);
    await q.query(`DROP TABLE "threshold"`);
    await q.query(`DROP INDEX "public"."organization_municipality_id_idx"`);
    await q.query(`DROP TABLE "organization"`);
    await q.query(`DROP INDEX "public"."municipality_region_code_idx"`);
    await q.query(`DROP TABLE "municipality"`);
    await q.query(`DROP TABLE "region"`);
  }
}
