import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * 0004: a version number of the registry and its settings, raised in the
 * same transaction as any change of regions, municipalities, organizations,
 * region settings or thresholds (statement triggers, so every writer is
 * covered: the import API, the CLI, psql). The KPI service reloads its
 * cached copy and mirrors the placement into ClickHouse when it changes.
 */
const TABLES = ['region', 'municipality', 'organization', 'region_settings', 'threshold'];

export class RegistryVersion1700000000004 implements MigrationInterface {
  name = 'RegistryVersion1700000000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "registry_state" ("id" smallint NOT NULL DEFAULT 1, "version" bigint NOT NULL, "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "registry_state_one_row" CHECK ("id" = 1), CONSTRAINT "PK_registry_state" PRIMARY KEY ("id"))`);
    await q.query(`INSERT INTO "registry_state" ("id", "version") VALUES (1, 1)`);
    await q.query(`CREATE FUNCTION "registry_bump_version"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE "registry_state" SET "version" = "version" + 1, "changed_at" = now() WHERE "id" = 1;
        RETURN NULL;
      END $$`);
    for (const table of TABLES) {
      await q.query(`CREATE TRIGGER "${table}_bumps_registry_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION "registry_bump_version"()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of TABLES) await q.query(`DROP TRIGGER "${table}_bumps_registry_version" ON "${table}"`);
    await q.query(`DROP FUNCTION "registry_bump_version"()`);
    await q.query(`DROP TABLE "registry_state"`);
  }
}
