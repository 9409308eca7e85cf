/**
 * Masks personal data for staff views (DESIGN.md "Privacy"): enough to recognise, not to use.
 * A phone keeps its first 3 national digits and last 4 (`138****0001`); a name its first
 * character (`张*`); an e-mail its first character and domain (`b***@example.com`).
 */
export function maskPhone(phone: string): string {
  const national = phone.startsWith("+86") ? phone.slice(3) : phone.replace(/^\+/, "");
  if (national.length <= 7)
    return `${national.slice(0, 1)}${"*".repeat(Math.max(0, national.length - 1))}`;
  return `${national.slice(0, 3)}${"*".repeat(national.length - 7)}${national.slice(-4)}`;
}

export function maskName(name: string): string {
  const chars = [...name];
  return `${chars[0] ?? ""}${"*".repeat(Math.max(1, chars.length - 1))}`;
}

export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at <= 0) return "***";
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}
