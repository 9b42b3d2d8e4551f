import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * 0007: the onboarding steps no event can show (libs/contracts
 * onboarding.ts), each the local date it was done: the registry CSV's
 * optional columns list_collected, passed_to_coordinators, admins_informed
 * and structure_built. They take over from 0001's onboarding_stage (a stage
 * 1..8 without a date, written by nothing the service offered): a row that
 * has one gets the date of its last change (updated_at, the best date
 * known) for each registry step at or below its stage, and the column is
 * dropped. The registry's version is raised so that running KPI services
 * reload.
 */
export class OnboardingDates1700000000007 implements MigrationInterface {
  name = 'OnboardingDates1700000000007';

  async up(q: QueryRunner): Promise<void> {
    for (const step of STEPS) await q.query(`ALTER TABLE "organization" ADD "${step.column}" date`);
    for (const step of STEPS) {
      await q.query(
        `UPDATE "organization" SET "${step.column}" = ("updated_at" AT TIME ZONE 'UTC')::date WHERE "onboarding_stage" >= ${step.number}`,
      );
    }
    await q.query(`ALTER TABLE "organization" DROP CONSTRAINT "organization_onboarding_stage_range"`);
    await q.query(`ALTER TABLE "organization" DROP COLUMN "onboarding_stage"`);
    await q.query(`UPDATE "registry_state" SET "version" = "version" + 1, "changed_at" = now() WHERE "id" = 1`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "organization" ADD "onboarding_stage" smallint`);
    await q.query(
      `ALTER TABLE "organization" ADD CONSTRAINT "organization_onboarding_stage_range" CHECK ("onboarding_stage" IS NULL OR "onboarding_stage" BETWEEN 1 AND 8)`,
    );
    // The highest registry step with a date, as a stage.
    await q.query(
      `UPDATE "organization" SET "onboarding_stage" = CASE ${[...STEPS].reverse().map((s) => `WHEN "${s.column}" IS NOT NULL THEN ${s.number}`).join(' ')} END`,
    );
    for (const step of STEPS) await q.query(`ALTER TABLE "organization" DROP COLUMN "${step.column}"`);
    await q.query(`UPDATE "registry_state" SET "version" = "version" + 1, "changed_at" = now() WHERE "id" = 1`);
  }
}

/** The registry steps and their numbers in the funnel (as in REGISTRY_ONBOARDING_STEPS; a migration keeps its own copy). */
const STEPS = [
  { column: 'list_collected', number: 1 },
  { column: 'passed_to_coordinators', number: 2 },
  { column: 'admins_informed', number: 3 },
  { column: 'structure_built', number: 5 },
] as const;
