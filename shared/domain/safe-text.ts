import { z } from 'zod';

/**
 * Characters a name must not carry: NUL and the other C0/C1 controls (truncate or corrupt logs,
 * files and terminals), the bidirectional embeddings, overrides and isolates (U+202A-U+202E,
 * U+2066-U+2069, U+061C, U+200E/U+200F: "Trojan Source", CVE-2021-42574, make a name read
 * differently from what it is), and lone UTF-16 surrogates (not Unicode text; they break every
 * UTF-8 encoder downstream, SQLite and the sync peers included).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\p{Cs}/u;

export function unsafeTextReason(text: string): string | null {
  const m = UNSAFE.exec(text);
  if (!m) return null;
  const code = m[0].codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (code >= 0xd800 && code <= 0xdfff) return `a lone surrogate (${hex}) is not text`;
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `a control character (${hex}) is not allowed`;
  return `a bidirectional control (${hex}) is not allowed`;
}

/** The shared refinement every user-chosen name goes through (devices, zones, rules, scenes...). */
export function safeText<T extends z.ZodType<string>>(schema: T) {
  return schema.superRefine((value, ctx) => {
    const reason = unsafeTextReason(value);
    if (reason) ctx.addIssue({ code: 'custom', message: reason });
  });
}

/** A display name: trimmed, 1..max characters, no control/bidi characters or lone surrogates. */
export function DisplayName(max: number, emptyMessage?: string) {
  return safeText(
    z
      .string()
      .trim()
      .min(1, emptyMessage ?? 'give it a name')
      .max(max),
  );
}
