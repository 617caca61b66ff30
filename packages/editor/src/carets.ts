import type { DecorationAttrs } from '@tiptap/pm/view';

/** How a party appears to the other one: the name and colour shown on their caret. */
export interface CaretUser {
  name: string;
  /** `#rrggbb`. */
  color: string;
}

const HEX_COLOR = /^#[0-9a-f]{6}$/i;

export function isHexColor(value: unknown): value is string {
  return typeof value === 'string' && HEX_COLOR.test(value);
}

/** Black or white, whichever reads better on `background` (WCAG relative luminance). */
export function readableTextColor(background: string): '#000000' | '#ffffff' {
  if (!isHexColor(background)) return '#000000';
  const channel = (offset: number) => {
    const c = parseInt(background.slice(offset, offset + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  // Contrast with white is 1.05 / (L + 0.05); with black (L + 0.05) / 0.05.
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? '#ffffff' : '#000000';
}

function parseCaretUser(user: Record<string, unknown>): CaretUser {
  const name = typeof user.name === 'string' && user.name.trim() ? user.name.trim() : '?';
  const color = isHexColor(user.color) ? user.color : '#595959';
  return { name, color };
}

// Styles go through the CSSOM (element.style), which a strict `style-src 'self'`
// policy allows, unlike style attributes written into markup.
export function renderCaret(rawUser: Record<string, unknown>): HTMLElement {
  const user = parseCaretUser(rawUser);
  const caret = document.createElement('span');
  caret.className = 'collaboration-carets__caret';
  caret.style.borderColor = user.color;
  caret.setAttribute('aria-hidden', 'true');
  const label = document.createElement('span');
  label.className = 'collaboration-carets__label';
  label.style.backgroundColor = user.color;
  label.style.color = readableTextColor(user.color);
  // The name is drawn by CSS (content: attr(data-name)), so it is not part of the
  // editor's text: not copied, not read out, not counted.
  label.dataset.name = user.name;
  caret.append(label);
  return caret;
}

export function renderSelection(rawUser: Record<string, unknown>): DecorationAttrs {
  const user = parseCaretUser(rawUser);
  return {
    class: 'collaboration-carets__selection',
    // ProseMirror applies decoration styles through style.cssText (CSSOM).
    style: `background-color: ${user.color}33`,
  };
}
