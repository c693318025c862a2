import { describe, expect, it } from 'vitest';
import { jsonDepth, parseJsonWithDepthLimit } from '../../../shared/api/json-depth.ts';
import { DisplayName, unsafeTextReason } from '../../../shared/domain/safe-text.ts';

describe('jsonDepth', () => {
  it('counts nesting and ignores brackets inside strings (with escapes)', () => {
    expect(jsonDepth('1')).toBe(0);
    expect(jsonDepth('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(jsonDepth('{"a":"[[[[\\"[[["}')).toBe(1);
    expect(jsonDepth('"\\\\"')).toBe(0);
  });

  it('scans 100,000 levels without recursion and stops past the limit', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(jsonDepth(deep, 64)).toBe(65);
    expect(() => parseJsonWithDepthLimit(deep)).toThrow(/deeper than 64/);
    expect(parseJsonWithDepthLimit('[[1]]')).toEqual([[1]]);
  });
});

describe('names: the shared refinement', () => {
  it('names the unsafe character (Trojan Source, CVE-2021-42574; lone surrogates; controls)', () => {
    expect(unsafeTextReason('a\u0000b')).toMatch(/U\+0000/);
    expect(unsafeTextReason('a\u009bb')).toMatch(/control character \(U\+009B\)/);
    expect(unsafeTextReason('a\u202db')).toMatch(/bidirectional/);
    expect(unsafeTextReason('\udc00')).toMatch(/lone surrogate/);
    expect(unsafeTextReason('ok 😀 names: Zürich, 東京, مرحبا')).toBeNull();
  });

  it('DisplayName trims, limits and refuses', () => {
    expect(DisplayName(10).parse('  Hall  ')).toBe('Hall');
    expect(DisplayName(10).safeParse('').success).toBe(false);
    expect(DisplayName(10).safeParse('x'.repeat(11)).success).toBe(false);
    expect(DisplayName(10).safeParse('a\u2066b').success).toBe(false);
  });
});
