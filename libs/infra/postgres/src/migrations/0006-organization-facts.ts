import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * 0006: what a coordinator states of an organization besides `connected`
 * (0001): its electronic journal linked, its community page labelled a
 * government organization (the registry CSV's optional columns
 * journal_linked and gov_label). Existing rows say no, the column default.
 * The registry's version is raised so that running KPI services reload.
 */
export class OrganizationFacts1700000000006 implements MigrationInterface {
  name = 'OrganizationFacts1700000000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "organization" ADD "journal_linked" boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE "organization" ADD "gov_label" boolean NOT NULL DEFAULT false`);
    await q.query(`UPDATE "registry_state" SET "version" = "version" + 1, "changed_at" = now() WHERE "id" = 1`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "organization" DROP COLUMN "gov_label"`);
    await q.query(`ALTER TABLE "organization" DROP COLUMN "journal_linked"`);
    await q.query(`UPDATE "registry_state" SET "version" = "version" + 1, "changed_at" = now() WHERE "id" = 1`);
  }
}
