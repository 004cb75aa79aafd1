import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Data } from "../src/data/index";
import { ConflictError, NotFoundError, ValidationError } from "../src/error";
import { openTestDatabase, type TestDatabase } from "./support/database";

// As a route calls core: the input parsed by core's own schemas first.
const create = async (body: unknown) => Data.create(database.db, Data.parse(Data.CreateBody, body));
const list = async (query: Record<string, string>) => Data.list(database.db, Data.parse(Data.ListQuery, query));
const remove = async (id: string) => Data.remove(database.db, Data.parse(Data.IdParam, id, "id"));

let database: TestDatabase;

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());
beforeEach(() => database.reset());

describe("Data.create", () => {
  it("stores the trimmed name and returns the row", async () => {
    expect(await create({ name: "  Ada " })).toEqual({ id: 1, name: "Ada" });
    expect((await list({})).items).toEqual([{ id: 1, name: "Ada" }]);
  });

  it("refuses a name that exists, leaving the first row alone", async () => {
    await create({ name: "Ada" });
    await expect(create({ name: " Ada" })).rejects.toThrow(ConflictError);
    expect((await list({})).items).toEqual([{ id: 1, name: "Ada" }]);
  });

  it("writes nothing for invalid input", async () => {
    await expect(create({ name: "" })).rejects.toThrow(ValidationError);
    await expect(create({})).rejects.toThrow(ValidationError);
    expect((await list({})).items).toEqual([]);
  });

  it("lets exactly one of 50 concurrent inserts of one name win", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => create({ name: "race" })),
    );
    const won = results.filter((result) => result.status === "fulfilled");
    const lost = results.filter(
      (result) => result.status === "rejected" && result.reason instanceof ConflictError,
    );
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    expect((await list({})).items).toHaveLength(1);
  });
});

describe("who created a record", () => {
  const createdBy = () => database.db.query<{ name: string; created_by: string | null }>(`select name, created_by from data order by id`);

  it("stores the caller's subject with the row, and null when nobody signed in", async () => {
    await Data.create(database.db, Data.parse(Data.CreateBody, { name: "signed" }), "3f1c-user");
    await create({ name: "anonymous" });
    expect(await createdBy()).toEqual([
      { name: "signed", created_by: "3f1c-user" },
      { name: "anonymous", created_by: null },
    ]);
  });

  it("lists createdBy only when asked", async () => {
    await Data.create(database.db, Data.parse(Data.CreateBody, { name: "a" }), "machine");
    await create({ name: "b" });
    expect((await list({})).items).toEqual([{ id: 1, name: "a" }, { id: 2, name: "b" }]);
    const shown = await Data.list(database.db, Data.parse(Data.ListQuery, {}), { createdBy: true });
    expect(shown.items).toEqual([
      { id: 1, name: "a", createdBy: "machine" },
      { id: 2, name: "b", createdBy: null },
    ]);
  });

  it("takes the creator from the caller, never from the body", async () => {
    const created = await Data.create(database.db, Data.parse(Data.CreateBody, { name: "x", createdBy: "spoofed", created_by: "spoofed" }));
    expect(created).toEqual({ id: 1, name: "x" });
    expect(await createdBy()).toEqual([{ name: "x", created_by: null }]);
  });
});

describe("Data.list", () => {
  beforeEach(async () => {
    for (const name of ["a", "b", "c", "d", "e"]) await create({ name });
  });

  it("orders by id", async () => {
    const { items, next } = await list({});
    expect(items.map((row) => row.id)).toEqual([1, 2, 3, 4, 5]);
    expect(next).toBeUndefined();
  });

  it("pages with limit and after until the last page", async () => {
    const first = await list({ limit: "2" });
    expect(first).toEqual({ items: [{ id: 1, name: "a" }, { id: 2, name: "b" }], next: 2 });
    const second = await list({ limit: "2", after: String(first.next) });
    expect(second).toEqual({ items: [{ id: 3, name: "c" }, { id: 4, name: "d" }], next: 4 });
    const last = await list({ limit: "2", after: String(second.next) });
    expect(last).toEqual({ items: [{ id: 5, name: "e" }] });
  });

  it("gives no next cursor when the page is exactly full", async () => {
    expect((await list({ limit: "5" })).next).toBeUndefined();
  });

  it("skips deleted ids", async () => {
    await remove("2");
    const { items } = await list({ after: "1", limit: "1" });
    expect(items).toEqual([{ id: 3, name: "c" }]);
  });
});

describe("Data.remove", () => {
  it("deletes the row and returns it whole, for the record", async () => {
    const { id } = await Data.create(database.db, Data.parse(Data.CreateBody, { name: "gone" }), "creator-sub");
    const removed = await remove(String(id));
    expect(removed).toEqual({ id, name: "gone", createdBy: "creator-sub", createdAt: expect.any(Date) });
    expect((await list({})).items).toEqual([]);
  });

  it("reports a missing id", async () => {
    await expect(remove("12345")).rejects.toThrow(NotFoundError);
  });

  it("validates the id before touching the database", async () => {
    await create({ name: "kept" });
    await expect(remove("99999999999999999999")).rejects.toThrow(ValidationError);
    expect((await list({})).items).toHaveLength(1);
  });
});

describe("Data.health", () => {
  it("says ok when the records can be read and written", async () => {
    await expect(Data.health(database.db, 2_000)).resolves.toBe("ok");
  });
});
