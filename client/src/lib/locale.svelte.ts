import { DEFAULT_LANG, MESSAGES, parseLang, type Lang, type Messages } from '../i18n/index.ts';

const LANG_STORAGE_KEY = 'tandem.lang';

function readStoredLang(): Lang {
  try {
    return parseLang(localStorage.getItem(LANG_STORAGE_KEY)) ?? DEFAULT_LANG;
  } catch {
    // Storage refused (privacy mode): French, not persisted.
    return DEFAULT_LANG;
  }
}

/** The interface language: French by default, English on request, remembered per browser. */
export class Locale {
  lang = $state<Lang>(readStoredLang());
  readonly t: Messages = $derived(MESSAGES[this.lang]);

  constructor() {
    $effect.root(() => {
      $effect(() => {
        document.documentElement.lang = this.lang;
        document.title = `${this.t.app.name} — ${this.t.app.tagline}`;
      });
    });
  }

  set(lang: Lang): void {
    this.lang = lang;
    try {
      localStorage.setItem(LANG_STORAGE_KEY, lang);
    } catch {
      // Not persisted; the choice still holds for this page.
    }
  }

  date(epochMs: number): string {
    return new Intl.DateTimeFormat(this.lang, { dateStyle: 'medium' }).format(epochMs);
  }

  dateTime(epochMs: number): string {
    return new Intl.DateTimeFormat(this.lang, { dateStyle: 'medium', timeStyle: 'short' }).format(
      epochMs,
    );
  }

  /** 5400 → "1 h 30" (fr) / "1 h 30 min" (en). */
  hours(seconds: number): string {
    const totalMinutes = Math.max(0, Math.floor(seconds / 60));
    const h = Math.floor(totalMinutes / 60);
    const m = totalMinutes % 60;
    if (this.lang === 'fr') return m ? `${h} h ${String(m).padStart(2, '0')}` : `${h} h`;
    return m ? `${h} h ${m} min` : `${h} h`;
  }
}
