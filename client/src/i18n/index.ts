import { en } from './en.ts';
import { fr, type Messages } from './fr.ts';

export type Lang = 'fr' | 'en';
export type { Messages };

export const LANGS: readonly Lang[] = ['fr', 'en'];
export const DEFAULT_LANG: Lang = 'fr';

export const MESSAGES: Readonly<Record<Lang, Messages>> = { fr, en };

export function parseLang(value: unknown): Lang | null {
  return value === 'fr' || value === 'en' ? value : null;
}
