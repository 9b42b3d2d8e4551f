import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * 0005: small cells. A region's minimum teacher denominator: units with
 * fewer teachers show counts but no per-teacher share (see
 * libs/domain/src/kpi/small-cells.ts). Rows that existed get the default,
 * 5, from the column default. Adding a column fires no trigger, so the
 * registry's version is raised here: running KPI services reload the
 * settings with the new field.
 */
export class MinTeacherDenominator1700000000005 implements MigrationInterface {
  name = 'MinTeacherDenominator1700000000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "region_settings" ADD "min_teacher_denominator" integer NOT NULL DEFAULT 5`);
    await q.query(`ALTER TABLE "region_settings" ADD CONSTRAINT "region_settings_min_teacher_denominator_range" CHECK ("min_teacher_denominator" BETWEEN 1 AND 1000)`);
    await q.query(`UPDATE "registry_state" SET "version" = "version" + 1, "changed_at" = now() WHERE "id" = 1`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "region_settings" DROP CONSTRAINT "region_settings_min_teacher_denominator_range"`);
    await q.query(`ALTER TABLE "region_settings" DROP COLUMN "min_teacher_denominator"`);
    await q.query(`UPDATE "registry_state" SET "version" = "version" + 1, "changed_at" = now() WHERE "id" = 1`);
  }
}
