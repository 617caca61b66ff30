import type { Messages } from '../i18n/index.ts';

/** The translated name of a phase id, or the id itself if this build does not know it. */
export function phaseLabel(t: Messages, phase: string): string {
  switch (phase) {
    case 'preliminaire':
    case 'investigation':
    case 'conclusion':
      return t.phases[phase];
    default:
      return phase || '—';
  }
}
