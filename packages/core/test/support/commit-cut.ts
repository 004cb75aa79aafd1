import type { TestDatabase } from "./database";

/**
 * Makes every commit that inserted into `data` fail as a connection lost at that moment would (SQLSTATE 08006):
 * a deferred constraint trigger runs at COMMIT, after every statement of the write. Returns what undoes it.
 */
export async function cutCommitsOfData(database: TestDatabase): Promise<() => Promise<void>> {
  await database.asOwner(async (owner) => {
    await owner.query(`create or replace function cut_at_commit() returns trigger language plpgsql as $$
      begin raise exception 'the connection was cut at commit' using errcode = '08006'; end $$`);
    await owner.query(`create constraint trigger cut_at_commit after insert on data
      deferrable initially deferred for each row execute function cut_at_commit()`);
  });
  return () =>
    database.asOwner(async (owner) => {
      await owner.query(`drop trigger if exists cut_at_commit on data`);
      await owner.query(`drop function if exists cut_at_commit`);
    });
}
