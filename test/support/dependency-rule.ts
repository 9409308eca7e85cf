import { posix } from "node:path";
import { lineAt, scanSource } from "./source-scan.js";

/**
 * The dependency rule of DESIGN.md ("Architecture"), as a checker over source text: each layer
 * (the first folder under src/) may import only the layers listed here, and the domain stays
 * pure. It takes files as data, so its own test can feed it files that break every rule.
 */
export const layers = ["domain", "app", "ports", "adapters", "http", "jobs", "cli"] as const;
export type Layer = (typeof layers)[number];

/**
 * Which layers each layer may import. The domain imports only itself; use cases see the domain
 * and the ports they are handed; adapters implement ports; http and jobs call use cases (they
 * may share code with each other, but never reach a store or the composition root); src/cli is
 * the one composition root and may import anything.
 */
const allowedLayers: Record<Layer, readonly Layer[]> = {
  domain: ["domain"],
  app: ["domain", "ports", "app"],
  ports: ["domain", "ports"],
  adapters: ["domain", "ports", "adapters"],
  http: ["app", "domain", "ports", "http", "jobs"],
  jobs: ["app", "domain", "ports", "jobs", "http"],
  cli: [...layers],
};

/**
 * Whether a layer may import npm packages and node builtins. The domain, the use cases and the
 * ports see the world only through ports, so a package there is an adapter in the wrong place
 * (STYLE 2). Test files anywhere may import packages (vitest, fast-check).
 */
const packagesAllowed: Record<Layer, boolean> = {
  domain: false,
  app: false,
  ports: false,
  adapters: true,
  http: true,
  jobs: true,
  cli: true,
};

/**
 * Calls the domain may not make outside tests: clocks, randomness, the process, the network and
 * timers. Domain functions take `asOf` as an argument instead (DESIGN.md "Architecture").
 */
const ambientEffects: readonly { pattern: RegExp; name: string }[] = [
  { pattern: /(?<![.\w$])Date\s*\.\s*now\s*\(/g, name: "Date.now()" },
  { pattern: /(?<![.\w$])new\s+Date\s*\(\s*\)/g, name: "new Date()" },
  { pattern: /(?<![.\w$])new\s+Date\b(?!\s*\()/g, name: "new Date" },
  { pattern: /(?<![.\w$])Math\s*\.\s*random\b/g, name: "Math.random" },
  { pattern: /(?<![.\w$])process\s*[.[]/g, name: "process." },
  { pattern: /(?<![.\w$])performance\s*\.\s*now\b/g, name: "performance.now" },
  { pattern: /(?<![.\w$])fetch\s*\(/g, name: "fetch(" },
  { pattern: /(?<![.\w$])set(?:Timeout|Interval|Immediate)\b/g, name: "timers" },
  { pattern: /\brandomUUID\b/g, name: "crypto.randomUUID" },
  { pattern: /\brandomBytes\b/g, name: "randomBytes" },
  { pattern: /\bgetRandomValues\b/g, name: "crypto.getRandomValues" },
  { pattern: /(?<![.\w$])Temporal\s*\.\s*Now\b/g, name: "Temporal.Now" },
];

export interface SourceFile {
  /** Path from the repository root with forward slashes, e.g. `src/domain/result.ts`. */
  readonly path: string;
  readonly text: string;
}

export interface Violation {
  readonly file: string;
  readonly line: number;
  readonly rule:
    | "layer"
    | "package"
    | "outside-src"
    | "unknown-layer"
    | "dynamic-import"
    | "ambient";
  readonly message: string;
}

export interface ImportSite {
  /** The module specifier, or `undefined` for a dynamic import of a computed expression. */
  readonly specifier: string | undefined;
  readonly line: number;
}

/**
 * Static imports and re-exports (`import ... from`, `export ... from`, `import type`), bare
 * imports (`import "x"`), dynamic imports and `require`. Matched on the view with comments and
 * literal contents blanked, so a string or comment that contains "import" is not an import; the
 * specifier is then read from the same offsets of the comment-free text.
 */
const importPatterns: readonly RegExp[] = [
  /(?<![.\w$])(?:import|export)\s[^"'`();=]*?(?<![.\w$])from\s*(["'])([^"'\n]*)\1/dg,
  /(?<![.\w$])import\s*(["'])([^"'\n]*)\1/dg,
  /(?<![.\w$])import\s*\(\s*(["'`])([^"'`\n]*)\1\s*[,)]/dg,
  /(?<![.\w$])require\s*\(\s*(["'`])([^"'`\n]*)\1\s*\)/dg,
];
const anyDynamicImport = /(?<![.\w$])import\s*\(/g;

export function extractImports(text: string): ImportSite[] {
  const { code, bare } = scanSource(text);
  const sites = new Map<number, ImportSite>();
  for (const pattern of importPatterns) {
    for (const match of bare.matchAll(pattern)) {
      const [start, end] = match.indices?.[2] ?? [0, 0];
      const specifier = code.slice(start, end);
      // A template specifier with a substitution is computed, not a literal.
      const computed = match[1] === "`" && specifier.includes("${");
      sites.set(match.index, {
        specifier: computed ? undefined : specifier,
        line: lineAt(text, match.index),
      });
    }
  }
  for (const match of bare.matchAll(anyDynamicImport)) {
    if (!sites.has(match.index)) {
      sites.set(match.index, { specifier: undefined, line: lineAt(text, match.index) });
    }
  }
  return [...sites.entries()].sort(([a], [b]) => a - b).map(([, site]) => site);
}

/** The layer of a repository path under src/, `undefined` outside src/, or "?" if unknown. */
export function layerOf(path: string): Layer | "?" | undefined {
  const parts = posix.normalize(path).split("/");
  if (parts[0] !== "src") return undefined;
  const layer = parts.length > 2 ? parts[1] : undefined;
  return (layers as readonly string[]).includes(layer ?? "") ? (layer as Layer) : "?";
}

export function isTestFile(path: string): boolean {
  return /\.test\.tsx?$/.test(path);
}

function checkImport(file: SourceFile, layer: Layer, site: ImportSite): Violation | undefined {
  const test = isTestFile(file.path);
  const at = { file: file.path, line: site.line };
  const spec = site.specifier;
  if (spec === undefined) {
    if (layer === "cli") return undefined;
    return { ...at, rule: "dynamic-import", message: "a computed import() cannot be checked" };
  }
  if (spec.startsWith("/") || spec.startsWith("file:")) {
    return { ...at, rule: "outside-src", message: `imports "${spec}" by absolute path` };
  }
  if (!spec.startsWith(".")) {
    if (test || packagesAllowed[layer]) return undefined;
    return {
      ...at,
      rule: "package",
      message: `src/${layer} may not import packages or builtins; imports "${spec}"`,
    };
  }
  const target = posix.normalize(posix.join(posix.dirname(file.path), spec));
  const targetLayer = layerOf(target);
  if (targetLayer === undefined) {
    return { ...at, rule: "outside-src", message: `imports "${spec}", which is outside src/` };
  }
  if (targetLayer === "?") {
    return { ...at, rule: "unknown-layer", message: `imports "${spec}" from no known layer` };
  }
  if (allowedLayers[layer].includes(targetLayer)) return undefined;
  return {
    ...at,
    rule: "layer",
    message: `src/${layer} may import only ${allowedLayers[layer].join(", ")}; "${spec}" is in src/${targetLayer}`,
  };
}

function checkAmbient(file: SourceFile): Violation[] {
  const { bare } = scanSource(file.text);
  const found: Violation[] = [];
  for (const { pattern, name } of ambientEffects) {
    for (const match of bare.matchAll(pattern)) {
      found.push({
        file: file.path,
        line: lineAt(file.text, match.index),
        rule: "ambient",
        message: `src/domain must not read the clock, randomness, process, network or timers: ${name}`,
      });
    }
  }
  return found;
}

/** Every violation of the dependency rule in `files`, ordered by file and line. */
export function checkDependencyRule(files: readonly SourceFile[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    const layer = layerOf(file.path);
    if (layer === undefined) continue; // not under src/: the rule does not apply
    if (layer === "?") {
      const message = `is in no known layer (src/{${layers.join(",")}})`;
      violations.push({ file: file.path, line: 1, rule: "unknown-layer", message });
      continue;
    }
    for (const site of extractImports(file.text)) {
      const violation = checkImport(file, layer, site);
      if (violation) violations.push(violation);
    }
    if (layer === "domain" && !isTestFile(file.path)) violations.push(...checkAmbient(file));
  }
  return violations.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** One line per violation: `src/domain/x.ts:3 [package] src/domain may not import ...`. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.file}:${v.line} [${v.rule}] ${v.message}`).join("\n");
}
