import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Data } from "../src/data/index";
import type { Queryable } from "../src/db/database";
import { ConflictError, DatabaseUnavailableError, UnprocessableError } from "../src/error";
import { Idempotency, type Answer, type KeyedRequest } from "../src/idempotency/index";
import { cutCommitsOfData } from "./support/commit-cut";
import { openTestDatabase, type TestDatabase } from "./support/database";

let database: TestDatabase;
/** How many times a write ran (its transaction may still have rolled back). */
let writes: number;

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());
beforeEach(async () => {
  await database.reset();
  writes = 0;
});

/** The write POST /data does: insert the body's name, answer with the row. */
const insertName =
  (name: string, before: () => Promise<void> = async () => {}) =>
  async (tx: Queryable): Promise<Answer> => {
    writes += 1;
    await before();
    return { status: 200, body: { message: "Data inserted successfully", ...(await Data.create(tx, { name })) } };
  };

const keyed = (key: string, name: string, caller?: string): KeyedRequest => ({ key, body: { name }, caller });
const once = (request: KeyedRequest, before?: () => Promise<void>) =>
  Idempotency.once(database.db, request, insertName((request.body as { name: string }).name, before));

const names = async () => (await database.db.query<{ name: string }>(`select name from data order by id`)).map((row) => row.name);
const keys = async () =>
  database.db.query<{ caller: string; key: string; status: number | null }>(`select caller, key, status from idempotency_keys order by caller, key`);
const ageKeys = (interval: string) =>
  database.asOwner((owner) => owner.query(`update idempotency_keys set created_at = now() - $1::interval`, [interval]));

/** Resolves the returned promise's `release` when called: a write held in the middle of its transaction. */
function gate() {
  let release!: () => void;
  let entered!: () => void;
  const opened = new Promise<void>((resolve) => (release = resolve));
  const reached = new Promise<void>((resolve) => (entered = resolve));
  return {
    reached,
    release,
    hold: async () => {
      entered();
      await opened;
    },
  };
}

describe("Idempotency.fingerprint", () => {
  it("is the same for the same JSON value however its keys are ordered", () => {
    expect(Idempotency.fingerprint({ name: "Ada", tags: [1, { b: 2, a: 1 }] })).toBe(
      Idempotency.fingerprint(JSON.parse('{ "tags": [1, {"a": 1, "b": 2}], "name": "Ada" }')),
    );
  });

  it("differs for any other value, array order included", () => {
    const fingerprints = [{ name: "Ada" }, { name: "ada" }, { name: "Ada", x: null }, [1, 2], [2, 1], "Ada", { name: ["Ada"] }].map(
      Idempotency.fingerprint,
    );
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
    expect(fingerprints[0]).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("Idempotency.once", () => {
  it("runs the write once, and gives a retry the first answer without writing", async () => {
    const first = await once(keyed("k1", "Ada"));
    const again = await once(keyed("k1", "Ada"));
    expect(first).toEqual({ status: 200, body: { message: "Data inserted successfully", id: 1, name: "Ada" }, replayed: false });
    expect(again).toEqual({ ...first, replayed: true });
    expect(writes).toBe(1);
    expect(await names()).toEqual(["Ada"]);
    expect(await keys()).toEqual([{ caller: "", key: "k1", status: 200 }]);
  });

  it("refuses the key with another body, and writes nothing for it", async () => {
    await once(keyed("k1", "Ada"));
    const refused = once(keyed("k1", "Grace"));
    await expect(refused).rejects.toThrow(UnprocessableError);
    await expect(refused).rejects.toThrow("Idempotency-Key was already used with a different body");
    expect(writes).toBe(1);
    expect(await names()).toEqual(["Ada"]);
  });

  it("keeps each caller's keys apart: another caller's key of the same name is a key of its own", async () => {
    await once(keyed("shared", "Ada", "alice"));
    const bob = await once(keyed("shared", "Bob", "bob"));
    const anonymous = await once(keyed("shared", "Anon"));
    expect([bob.replayed, anonymous.replayed]).toEqual([false, false]);
    expect(await names()).toEqual(["Ada", "Bob", "Anon"]);
    expect((await keys()).map(({ caller }) => caller)).toEqual(["", "alice", "bob"]);
  });

  it("keeps nothing for a write that failed: its retry runs it again", async () => {
    await Data.create(database.db, { name: "Ada" });
    await expect(once(keyed("k1", "Ada"))).rejects.toThrow(ConflictError);
    expect(await keys()).toEqual([]);
    await database.db.query(`delete from data`);
    expect(await once(keyed("k1", "Ada"))).toMatchObject({ status: 200, replayed: false, body: { name: "Ada" } });
    expect(writes).toBe(2);
  });

  it("makes a retry wait for the first request still running, then gives it the first answer", async () => {
    const held = gate();
    const first = once(keyed("k1", "Ada"), held.hold);
    await held.reached;
    const retry = once(keyed("k1", "Ada"));
    const waited = await Promise.race([retry.then(() => "answered"), new Promise((resolve) => setTimeout(resolve, 300, "waiting"))]);
    held.release();
    expect(waited).toBe("waiting");
    const [answer, replay] = await Promise.all([first, retry]);
    expect(replay).toEqual({ ...answer, replayed: true });
    expect(writes).toBe(1);
    expect(await names()).toEqual(["Ada"]);
  });

  // PGlite has one session: a second request waits its turn there, with no lock to time out.
  it.runIf(process.env.DATABASE_URL)("answers 'still in progress' once the first request has held the key past the lock timeout", async () => {
    const held = gate();
    const first = once(keyed("k1", "Ada"), held.hold);
    await held.reached;
    const started = performance.now();
    try {
      await expect(once(keyed("k1", "Ada"))).rejects.toThrow(new ConflictError("A request with this Idempotency-Key is still in progress"));
      // The API role's lock_timeout (drizzle/0002_app_role_timeouts.sql), not the query deadline.
      expect(performance.now() - started).toBeLessThan(3_500);
    } finally {
      held.release();
    }
    expect((await first).replayed).toBe(false);
    expect(await once(keyed("k1", "Ada"))).toMatchObject({ replayed: true });
  });
});

describe("expiry", () => {
  it("holds a key for 24 hours", async () => {
    await once(keyed("k1", "Ada"));
    await ageKeys("23 hours 59 minutes");
    await expect(once(keyed("k1", "Grace"))).rejects.toThrow(UnprocessableError);
    expect(await once(keyed("k1", "Ada"))).toMatchObject({ replayed: true });
  });

  it("then lets the key go: it is deleted on its next use, which runs afresh", async () => {
    await once(keyed("k1", "Ada"));
    await ageKeys("24 hours 1 second");
    expect(await once(keyed("k1", "Grace"))).toMatchObject({ status: 200, replayed: false, body: { name: "Grace" } });
    expect(await names()).toEqual(["Ada", "Grace"]);
    // The key now holds the new answer.
    await expect(once(keyed("k1", "Ada"))).rejects.toThrow(UnprocessableError);
  });

  it("has each keyed write delete up to 100 expired keys of anyone's, and no live one", async () => {
    await database.asOwner((owner) =>
      owner.query(`insert into idempotency_keys (caller, key, request_hash, status, body, created_at)
        select 'someone', 'old-' || n, repeat('0', 64), 200, '{}', now() - interval '25 hours' from generate_series(1, 150) as n`),
    );
    await once(keyed("live", "Ada", "someone"));
    await once(keyed("k1", "Grace"));
    const left = await keys();
    expect(left.filter(({ key }) => key.startsWith("old-"))).toHaveLength(0);
    expect(left.map(({ key }) => key)).toEqual(["k1", "live"]);
  });

  it("sweeps at most 100 at a time", async () => {
    await database.asOwner((owner) =>
      owner.query(`insert into idempotency_keys (caller, key, request_hash, status, body, created_at)
        select 'someone', 'old-' || n, repeat('0', 64), 200, '{}', now() - interval '25 hours' from generate_series(1, 150) as n`),
    );
    await once(keyed("k1", "Ada"));
    expect(await keys()).toHaveLength(51);
  });
});

describe("a write cut short", () => {
  afterAll(() =>
    database.asOwner(async (owner) => {
      await owner.query(`drop trigger if exists cut_connection on idempotency_keys`);
      await owner.query(`drop function if exists cut_connection`);
    }),
  );

  it("whose commit fails keeps neither the row nor the answer, and its retry with the key inserts once", async () => {
    const restore = await cutCommitsOfData(database);
    try {
      await expect(once(keyed("k1", "Ada"))).rejects.toThrow(DatabaseUnavailableError);
      expect(await names()).toEqual([]);
      expect(await keys()).toEqual([]);
    } finally {
      await restore();
    }
    expect(await once(keyed("k1", "Ada"))).toMatchObject({ status: 200, replayed: false, body: { name: "Ada" } });
    expect(await once(keyed("k1", "Ada"))).toMatchObject({ status: 200, replayed: true, body: { name: "Ada" } });
    expect(await names()).toEqual(["Ada"]);
  });

  // PGlite is the process itself: there is no connection to kill.
  it.runIf(process.env.DATABASE_URL)("whose connection is killed after the insert, before COMMIT, keeps neither; its retry inserts once", async () => {
    // The session ends itself as the answer is written: the last statement before COMMIT.
    await database.asOwner(async (owner) => {
      await owner.query(`create function cut_connection() returns trigger language plpgsql as $$
        begin perform pg_terminate_backend(pg_backend_pid()); return null; end $$`);
      await owner.query(`create trigger cut_connection after update on idempotency_keys for each row execute function cut_connection()`);
    });
    await expect(once(keyed("k1", "Ada"))).rejects.toThrow(DatabaseUnavailableError);
    expect(writes).toBe(1);
    expect(await names()).toEqual([]);
    expect(await keys()).toEqual([]);

    await database.asOwner((owner) => owner.query(`drop trigger cut_connection on idempotency_keys`));
    expect(await once(keyed("k1", "Ada"))).toMatchObject({ status: 200, replayed: false, body: { name: "Ada" } });
    expect(await once(keyed("k1", "Ada"))).toMatchObject({ replayed: true });
    expect(await names()).toEqual(["Ada"]);
  });
});
