import { describe, expect, it } from 'vitest';
import { LinkError } from '@tandem/protocol';
import { en } from './en.ts';
import { fr } from './fr.ts';

type Tree = { [key: string]: unknown };

function shape(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) => {
    const path = `${prefix}${key}`;
    if (typeof value === 'function') return [`${path}()/${value.length}`];
    if (typeof value === 'object' && value !== null) return shape(value as Tree, `${path}.`);
    return [path];
  });
}

function leaves(tree: Tree): unknown[] {
  return Object.values(tree).flatMap((value) =>
    typeof value === 'object' && value !== null ? leaves(value as Tree) : [value],
  );
}

describe('messages', () => {
  it('has the same keys and function arities in French and English', () => {
    expect(shape(en)).toEqual(shape(fr));
  });

  it('has no empty string in either language', () => {
    for (const value of [...leaves(fr), ...leaves(en)]) {
      if (typeof value === 'string') expect(value.trim()).not.toBe('');
    }
  });

  it('explains every link error code', () => {
    for (const code of Object.values(LinkError)) {
      expect(fr.linkErrors[code]).toBeTruthy();
      expect(en.linkErrors[code]).toBeTruthy();
    }
  });
});
