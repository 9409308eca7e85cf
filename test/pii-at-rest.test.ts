import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { getBorrower, registerBorrower } from "../src/app/borrowers.js";
import { openApp } from "../src/cli/compose.js";
import { type StoreKind, storeKinds, testDatabase } from "./support/stores.js";

const plain = [
  "+8613800000001",
  "13800000001",
  "张三",
  "zhang.san@example.com",
  "+8613900000001",
  "13900000001",
];

describe.each(storeKinds)("personal data at rest on %s", (kind: StoreKind) => {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-pii-"));
  const db = testDatabase(kind);
  afterAll(() => db.drop());

  it("stores no phone, name or e-mail in plain text, and shows them masked", async () => {
    const databaseUrl = await db.url();
    const ctx = await openApp({
      databaseUrl,
      sqlitePath: join(dir, "pii.db"),
      keyFile: join(dir, "pii.key"),
    });
    const registered = await registerBorrower(ctx, {
      id: "b1",
      timezone: "Asia/Shanghai",
      name: "张三",
      phone: "+8613800000001",
      email: "zhang.san@example.com",
      emergencyContacts: [{ id: "ec1", relation: "parent", phone: "+8613900000001" }],
    });
    expect(registered.ok).toBe(true);
    const view = await getBorrower(ctx, "b1");
    expect(view.ok && view.value).toMatchObject({
      name: "张*",
      phone: "138****0001",
      email: "z***@example.com",
      emergencyContacts: [{ phone: "139****0001" }],
    });
    await ctx.store.close();

    const dump = databaseUrl ? await dumpPostgres(databaseUrl) : dumpSqliteFiles(dir);
    expect(dump.length).toBeGreaterThan(0);
    for (const value of plain)
      expect(dump.includes(value), `found ${JSON.stringify(value)} at rest`).toBe(false);
    // The UTF-16 and UTF-8 encodings of the Chinese name are both absent.
    expect(dump.includes(Buffer.from("张三", "utf16le").toString("latin1"))).toBe(false);
  });
});

/** Every byte of the SQLite database, WAL included, as one string. */
function dumpSqliteFiles(dir: string): string {
  return readdirSync(dir)
    .filter((f) => f.startsWith("pii.db"))
    .map(
      (f) =>
        readFileSync(join(dir, f)).toString("utf8") + readFileSync(join(dir, f)).toString("latin1"),
    )
    .join("\n");
}

/** Every row of every table in the test database, as text. */
async function dumpPostgres(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ tablename: string }>(
      "select tablename from pg_tables where schemaname = 'public'",
    );
    const parts: string[] = [];
    for (const { tablename } of tables.rows) {
      const rows = await client.query(`select * from "${tablename}"`);
      parts.push(JSON.stringify(rows.rows, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
    }
    return parts.join("\n");
  } finally {
    await client.end();
  }
}
