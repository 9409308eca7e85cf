/**
 * A small lexer for TypeScript source, just enough to tell code from comments and literals. The
 * dependency rule matches import statements and forbidden calls with regular expressions; run on
 * raw text they would also fire on a comment that mentions `Date.now()` or on a string that
 * holds example code. Both views keep every character's position and every newline, so a match
 * offset in either view is the same line and column as in the file.
 */
export interface ScannedSource {
  /** The text with comments blanked: string, template and regex literals intact. */
  readonly code: string;
  /** The text with comments and the contents of literals blanked (delimiters kept). Template
   * substitutions `${...}` stay, since they are code. */
  readonly bare: string;
}

/** Words after which a `/` starts a regular expression rather than a division. */
const regexAfterWords = new Set([
  "return",
  "typeof",
  "case",
  "do",
  "else",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "yield",
  "await",
]);
const regexAfterPunctuation = "(,=:[!&|?{};+-*%<>~^";

export function scanSource(text: string): ScannedSource {
  const code = text.split("");
  const bare = text.split("");
  const n = text.length;
  /** Blanks [from, to) in the bare view, and in the code view too for comments. */
  const blank = (from: number, to: number, comment: boolean): void => {
    for (let k = from; k < to; k++) {
      if (text[k] === "\n") continue;
      bare[k] = " ";
      if (comment) code[k] = " ";
    }
  };
  /** The brace depth at which each open template substitution `${` closes. */
  const substitutions: number[] = [];
  let depth = 0;
  let previous = ""; // the last significant code character, to tell a regex from a division

  /** Scans template text from `start` to its closing backtick or next `${`. */
  const templateText = (start: number): number => {
    let k = start;
    while (k < n) {
      if (text[k] === "\\") k += 2;
      else if (text[k] === "`") {
        blank(start, k, false);
        return k + 1;
      } else if (text[k] === "$" && text[k + 1] === "{") {
        blank(start, k, false);
        substitutions.push(depth);
        depth += 1;
        return k + 2;
      } else k += 1;
    }
    blank(start, n, false);
    return n;
  };

  let i = 0;
  while (i < n) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (c === "/" && next === "/") {
      const end = text.indexOf("\n", i);
      const stop = end < 0 ? n : end;
      blank(i, stop, true);
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end < 0 ? n : end + 2;
      blank(i, stop, true);
      i = stop;
    } else if (c === '"' || c === "'") {
      const stop = literalEnd(text, i, c);
      blank(i + 1, text[stop - 1] === c && stop - 1 > i ? stop - 1 : stop, false);
      i = stop;
      previous = "a";
    } else if (c === "`") {
      i = templateText(i + 1);
      previous = "a";
    } else if (c === "}" && substitutions.at(-1) === depth - 1) {
      substitutions.pop();
      depth -= 1;
      i = templateText(i + 1);
      previous = "a";
    } else if (c === "/" && startsRegex(text, i, previous)) {
      const stop = regexEnd(text, i);
      blank(i + 1, stop, false);
      i = text[stop] === "/" ? stop + 1 : stop;
      previous = "a";
    } else {
      if (c === "{") depth += 1;
      if (c === "}") depth -= 1;
      if (!/\s/.test(c)) previous = c;
      i += 1;
    }
  }
  return { code: code.join(""), bare: bare.join("") };
}

/** The index just past a quoted string; an unterminated one ends at the line break. */
function literalEnd(text: string, start: number, quote: string): number {
  let k = start + 1;
  while (k < text.length) {
    if (text[k] === "\\") k += 2;
    else if (text[k] === quote) return k + 1;
    else if (text[k] === "\n") return k;
    else k += 1;
  }
  return text.length;
}

function startsRegex(text: string, index: number, previous: string): boolean {
  if (previous === "" || regexAfterPunctuation.includes(previous)) return true;
  const before = /([A-Za-z_$][\w$]*)\s*$/.exec(text.slice(Math.max(0, index - 20), index));
  return before?.[1] !== undefined && regexAfterWords.has(before[1]);
}

/** The index of the closing `/` of a regex literal (its flags stay code), or the line end. */
function regexEnd(text: string, start: number): number {
  let inClass = false;
  let k = start + 1;
  while (k < text.length) {
    const c = text[k];
    if (c === "\\") k += 2;
    else if (c === "\n") return k;
    else {
      if (c === "[") inClass = true;
      else if (c === "]") inClass = false;
      else if (c === "/" && !inClass) return k;
      k += 1;
    }
  }
  return text.length;
}

/** The 1-based line number of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let k = 0; k < offset && k < text.length; k++) if (text[k] === "\n") line += 1;
  return line;
}
