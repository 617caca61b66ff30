import { LinkError } from '@tandem/protocol';
import { isBilanId } from '@tandem/protocol';

/** Where the app is. Kept in `history.state` (survives reload and back/forward), never in the URL. */
export type Route =
  | { readonly name: 'home' }
  | { readonly name: 'create' }
  /** The device lock's settings (reached from home). */
  | { readonly name: 'device-lock' }
  | { readonly name: 'bilan'; readonly bilanId: string }
  | { readonly name: 'link-error'; readonly error: LinkError | 'revoked' }
  /** A bilan this device was excluded from by a key rotation. */
  | { readonly name: 'revoked'; readonly bilanId: string };

const LINK_ERRORS: ReadonlySet<string> = new Set([...Object.values(LinkError), 'revoked']);

/** Reads a route back from `history.state` (anything else in there is ignored). */
export function parseRoute(state: unknown): Route | null {
  if (typeof state !== 'object' || state === null || !('tandem' in state)) return null;
  const route = (state as { tandem: unknown }).tandem;
  if (typeof route !== 'object' || route === null) return null;
  const { name, bilanId, error } = route as Record<string, unknown>;
  switch (name) {
    case 'home':
    case 'create':
    case 'device-lock':
      return { name };
    case 'bilan':
    case 'revoked':
      return typeof bilanId === 'string' && isBilanId(bilanId) ? { name, bilanId } : null;
    case 'link-error':
      return typeof error === 'string' && LINK_ERRORS.has(error)
        ? { name, error: error as LinkError | 'revoked' }
        : null;
    default:
      return null;
  }
}
