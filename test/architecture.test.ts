import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  checkDependencyRule,
  extractImports,
  formatViolations,
  type SourceFile,
  type Violation,
} from "./support/dependency-rule.js";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Every .ts/.tsx file under `dir`, recursively; only node_modules is skipped. */
function sourceFiles(dir: string): SourceFile[] {
  const files: SourceFile[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") files.push(...sourceFiles(path));
    } else if (/\.tsx?$/.test(entry.name)) {
      files.push({
        path: relative(root, path).split(sep).join("/"),
        text: readFileSync(path, "utf8"),
      });
    }
  }
  return files;
}

describe("the dependency rule (DESIGN.md Architecture)", () => {
  const files = sourceFiles(join(root, "src"));

  it("holds for every file under src/", () => {
    const violations = checkDependencyRule(files);
    if (violations.length > 0) {
      expect.fail(
        `${violations.length} dependency-rule violation(s):\n${formatViolations(violations)}`,
      );
    }
  });

  it("really scanned the source tree", () => {
    // Guards against a vacuous pass: a wrong root would find no files and no imports.
    expect(files.some((f) => f.path === "src/domain/result.ts")).toBe(true);
    const domainImports = files
      .filter((f) => f.path.startsWith("src/domain/"))
      .flatMap((f) => extractImports(f.text));
    expect(domainImports.length).toBeGreaterThan(10);
  });
});

describe("the dependency-rule checker", () => {
  /** The violations of one fake file, as "line rule" pairs. */
  function check(path: string, text: string): string[] {
    return checkDependencyRule([{ path, text }]).map((v: Violation) => `${v.line} ${v.rule}`);
  }

  it("extracts every import form with its line", () => {
    const text = [
      'import a from "./a.js";', // 1
      'import type { B } from "../b.js";', // 2
      "import {", // 3
      "  c,", // 4
      '} from "./c.js";', // 5
      'export * from "./d.js";', // 6
      'export { e } from "./e.js";', // 7
      'import "./f.js";', // 8
      'const g = await import("./g.js");', // 9
      "const h = await import(name);", // 10
      '// import x from "./commented.js"', // 11
      "const s = \"import y from './in-string.js'\";", // 12
      "/* export * from './block-comment.js' */", // 13
      'const r = /import z from "x"/;', // 14
      'export type { T } from "./t.js";', // 15
      'import * as ns from "node:fs";', // 16
    ].join("\n");
    expect(extractImports(text)).toEqual([
      { specifier: "./a.js", line: 1 },
      { specifier: "../b.js", line: 2 },
      { specifier: "./c.js", line: 3 },
      { specifier: "./d.js", line: 6 },
      { specifier: "./e.js", line: 7 },
      { specifier: "./f.js", line: 8 },
      { specifier: "./g.js", line: 9 },
      { specifier: undefined, line: 10 },
      { specifier: "./t.js", line: 15 },
      { specifier: "node:fs", line: 16 },
    ]);
  });

  it("reports a domain file that imports a package, a builtin or another layer", () => {
    const text = [
      'import Decimal from "decimal.js";',
      'import { readFileSync } from "node:fs";',
      'import type { Store } from "../../ports/store.js";',
      'import { ok } from "../result.js";',
      'export * from "../../app/use-case.js";',
      'import "../../../test/helper.js";',
    ].join("\n");
    expect(check("src/domain/money/x.ts", text)).toEqual([
      "1 package",
      "2 package",
      "3 layer",
      "5 layer",
      "6 outside-src",
    ]);
  });

  it("reports clocks, randomness, process, network and timers in domain code, not in comments", () => {
    const text = [
      "// Date.now() and Math.random are fine to mention in a comment",
      "/* so is process.env */",
      'const note = "or fetch( in a string";',
      "export const a = Date.now();",
      "export const b = new Date();",
      "export const c = Math.random();",
      "export const d = process.env.TZ;",
      "export const e = performance.now();",
      'export const f = fetch("https://example.com");',
      "setTimeout(() => 0, 1);",
      "setInterval(() => 0, 1);",
      "export const g = crypto.randomUUID();",
      "export const h = randomBytes(16);",
      "export const ok = new Date(0);",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: fake source with a template literal
      "export const inTemplate = `${Date.now()}`;",
    ].join("\n");
    expect(check("src/domain/clock.ts", text)).toEqual([
      "4 ambient",
      "5 ambient",
      "6 ambient",
      "7 ambient",
      "8 ambient",
      "9 ambient",
      "10 ambient",
      "11 ambient",
      "12 ambient",
      "13 ambient",
      "15 ambient",
    ]);
  });

  it("lets domain tests import vitest and fast-check, and read the clock, but not other layers", () => {
    const text = [
      'import fc from "fast-check";',
      'import { it } from "vitest";',
      "const now = Date.now();",
      'import { sqlite } from "../../adapters/sqlite/store.js";',
    ].join("\n");
    expect(check("src/domain/money/money.test.ts", text)).toEqual(["4 layer"]);
  });

  it("keeps each outer layer to its allowed imports", () => {
    expect(check("src/app/pay.ts", 'import { s } from "../adapters/sqlite/store.js";')).toEqual([
      "1 layer",
    ]);
    expect(check("src/app/pay.ts", 'import { h } from "../http/routes.js";')).toEqual(["1 layer"]);
    expect(check("src/app/pay.ts", 'import { j } from "../jobs/close.js";')).toEqual(["1 layer"]);
    expect(check("src/app/pay.ts", 'import { c } from "../cli/main.js";')).toEqual(["1 layer"]);
    expect(check("src/app/pay.ts", 'import Database from "better-sqlite3";')).toEqual([
      "1 package",
    ]);
    expect(check("src/ports/store.ts", 'import type { P } from "../app/pay.js";')).toEqual([
      "1 layer",
    ]);
    expect(check("src/ports/store.ts", 'import type { K } from "kysely";')).toEqual(["1 package"]);
    expect(check("src/adapters/pg/store.ts", 'import { pay } from "../../app/pay.js";')).toEqual([
      "1 layer",
    ]);
    expect(check("src/adapters/pg/store.ts", 'import { r } from "../../http/routes.js";')).toEqual([
      "1 layer",
    ]);
    expect(check("src/http/routes.ts", 'import { s } from "../adapters/sqlite/store.js";')).toEqual(
      ["1 layer"],
    );
    expect(check("src/http/routes.ts", 'import { main } from "../cli/main.js";')).toEqual([
      "1 layer",
    ]);
    expect(check("src/jobs/close.ts", 'import { s } from "../adapters/sqlite/store.js";')).toEqual([
      "1 layer",
    ]);
    expect(check("src/jobs/close.ts", 'import { main } from "../cli/main.js";')).toEqual([
      "1 layer",
    ]);
    expect(check("src/jobs/close.ts", "const m = await import(path);")).toEqual([
      "1 dynamic-import",
    ]);
    expect(check("src/misc/helper.ts", "export const x = 1;")).toEqual(["1 unknown-layer"]);
    expect(check("src/index.ts", "export const x = 1;")).toEqual(["1 unknown-layer"]);
  });

  it("allows what the rule allows", () => {
    const allowed: SourceFile[] = [
      {
        path: "src/domain/a.ts",
        text: 'import { ok } from "./result.js";\nconst d = new Date(0);',
      },
      {
        path: "src/app/pay.ts",
        text: 'import type { Store } from "../ports/store.js";\nimport { a } from "../domain/a.js";',
      },
      { path: "src/ports/store.ts", text: 'import type { A } from "../domain/a.js";' },
      {
        path: "src/adapters/sqlite/store.ts",
        text: 'import Database from "better-sqlite3";\nimport type { Store } from "../../ports/store.js";',
      },
      {
        path: "src/http/routes.ts",
        text: 'import Fastify from "fastify";\nimport { pay } from "../app/pay.js";',
      },
      {
        path: "src/jobs/close.ts",
        text: 'import { pay } from "../app/pay.js";\nimport { r } from "../http/routes.js";',
      },
      {
        path: "src/cli/main.ts",
        text: 'import { s } from "../adapters/sqlite/store.js";\nconst m = await import(name);\nprocess.exit(0);',
      },
      { path: "test/anything.ts", text: 'import { s } from "../src/adapters/sqlite/store.js";' },
    ];
    expect(formatViolations(checkDependencyRule(allowed))).toBe("");
  });

  it("formats each violation as file:line, rule and reason", () => {
    const violations = checkDependencyRule([
      { path: "src/domain/x.ts", text: '\nimport { s } from "../adapters/sqlite/store.js";' },
    ]);
    expect(formatViolations(violations)).toBe(
      'src/domain/x.ts:2 [layer] src/domain may import only domain; "../adapters/sqlite/store.js" is in src/adapters',
    );
  });
});
