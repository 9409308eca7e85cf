/**
 * Turns the schema validator's issues (Ajv-shaped: `instancePath`, `keyword`, `params`,
 * `message`; TypeBox's compiler reports the same shape) into field errors named the way the use
 * cases name them: `/emergencyContacts/0/phone` → `emergencyContacts[0].phone`, a missing
 * header → `Idempotency-Key`. Messages name the field and the rule, never the value.
 */

export interface FieldError {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

export interface ValidationIssue {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
}

export interface ValidationError {
  readonly validation: readonly ValidationIssue[];
  readonly validationContext: string;
}

export function isValidationError(error: unknown): error is ValidationError {
  return (
    typeof error === "object" &&
    error !== null &&
    Array.isArray((error as { validation?: unknown }).validation) &&
    typeof (error as { validationContext?: unknown }).validationContext === "string"
  );
}

/** A validator reports at most this many field errors per request (the body is bounded too). */
export const fieldErrorsMax = 50;

export function fieldErrorsOf(issues: readonly ValidationIssue[], context: string): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of issues) {
    for (const error of errorsOf(issue, context)) {
      const key = `${error.field}\u0000${error.code}`;
      if (seen.has(key) || errors.length >= fieldErrorsMax) continue;
      seen.add(key);
      errors.push(error);
    }
  }
  return errors;
}

function errorsOf(issue: ValidationIssue, context: string): FieldError[] {
  const segments = pointerSegments(issue.instancePath);
  const name = (extra: string[] = []) => fieldName([...segments, ...extra], context);
  const strings = (key: string) => {
    const value = issue.params[key];
    if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
    return typeof value === "string" ? [value] : [];
  };
  switch (issue.keyword) {
    case "required": {
      // TypeBox names them all in `requiredProperties`, Ajv one in `missingProperty`.
      const missing = [...strings("requiredProperties"), ...strings("missingProperty")];
      return missing.map((property) => {
        const field = name([property]);
        return { field, code: "schema.required", message: `${field} is required` };
      });
    }
    case "additionalProperties": {
      const extra = [...strings("additionalProperties"), ...strings("additionalProperty")];
      return extra.map((property) => unknownField(name([property])));
    }
    case "boolean":
      // `additionalProperties: false` as TypeBox reports it: the unknown field's own path.
      return [unknownField(name())];
    case "enum": {
      const field = name();
      const allowed = strings("allowedValues");
      const rule = allowed.length ? `must be one of ${allowed.join(", ")}` : "is not allowed";
      return [{ field, code: "schema.enum", message: `${field} ${rule}` }];
    }
    default: {
      const field = name();
      const rule = issue.message ?? "is invalid";
      return [{ field, code: `schema.${issue.keyword}`, message: `${field} ${rule}` }];
    }
  }
}

function unknownField(field: string): FieldError {
  return { field, code: "schema.unknown_field", message: `${field} is not a known field` };
}

/** The segments of a JSON Pointer (RFC 6901): `/a~1b/0` → ["a/b", "0"]. */
function pointerSegments(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** `["emergencyContacts", "0", "phone"]` → `emergencyContacts[0].phone`; headers in usual case. */
function fieldName(segments: readonly string[], context: string): string {
  if (segments.length === 0) return context;
  if (context === "headers") return segments.map(headerCase).join(".");
  let field = "";
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) field += `[${segment}]`;
    else field += field === "" ? segment : `.${segment}`;
  }
  return field;
}

/** `idempotency-key` → `Idempotency-Key`: Fastify lower-cases header names before validation. */
function headerCase(name: string): string {
  return name
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("-");
}
