/**
 * The invite/open link. The key travels only in the URL fragment, which browsers never
 * send to a server:
 *
 *   <origin>/#v1.<base64url payload>
 *   payload = version (1) ‖ role (1) ‖ bilan id (16) ‖ bilan key K (32) ‖ CRC-32 (4, BE)
 *
 * 54 bytes, 72 base64url characters. The CRC-32 covers the 50 bytes before it and only
 * catches copy/paste and typing accidents; K's secrecy is what protects the bilan.
 * `v1.` names the scheme so a fragment from another link is told apart from a damaged
 * Tandem link, and a newer link gets "update the app" rather than "mistyped".
 */
import { decodeBase64url, encodeBase64url } from './base64url.ts';
import { bilanIdFromBytes, bilanIdToBytes } from './bilan-id.ts';
import { crc32 } from './crc32.ts';
import { BILAN_ID_BYTES, BILAN_KEY_BYTES } from './limits.ts';
import { LinkError, PartyRole, type Result } from './wire.ts';

export const LINK_VERSION = 1;

const PREFIX = `v${LINK_VERSION}.`;
const ROLE_OFFSET = 1;
const BILAN_ID_OFFSET = 2;
const KEY_OFFSET = BILAN_ID_OFFSET + BILAN_ID_BYTES;
const CHECKSUM_OFFSET = KEY_OFFSET + BILAN_KEY_BYTES;
const PAYLOAD_BYTES = CHECKSUM_OFFSET + 4;
const PAYLOAD_CHARS = Math.ceil((PAYLOAD_BYTES * 4) / 3);
const BASE64URL_CHARS = /^[A-Za-z0-9_-]*$/;
const SCHEME = /^v(\d+)\./;

/** What a link carries. `key` is K's raw bytes: @tandem/crypto brands it (bilanKeyFromBytes). */
export interface BilanLink {
  readonly bilanId: string;
  readonly key: Uint8Array;
  /** The role of the person the link is for. */
  readonly role: PartyRole;
}

/** The fragment (without `#`) for a link. Throws on a malformed id or key. */
export function encodeLinkFragment(link: BilanLink): string {
  const bilanId = bilanIdToBytes(link.bilanId);
  if (bilanId === undefined) throw new RangeError('bilanId is not a bilan id');
  if (link.key.length !== BILAN_KEY_BYTES)
    throw new RangeError(`key must be ${BILAN_KEY_BYTES} bytes`);
  const role = PartyRole[link.role];
  if (role === undefined) throw new RangeError('unknown role');
  const payload = new Uint8Array(PAYLOAD_BYTES);
  payload[0] = LINK_VERSION;
  payload[ROLE_OFFSET] = role;
  payload.set(bilanId, BILAN_ID_OFFSET);
  payload.set(link.key, KEY_OFFSET);
  new DataView(payload.buffer).setUint32(
    CHECKSUM_OFFSET,
    crc32(payload.subarray(0, CHECKSUM_OFFSET)),
  );
  return PREFIX + encodeBase64url(payload);
}

/** `<origin>/#v1.…`; `origin` is e.g. `location.origin`, without a fragment. */
export function encodeLink(origin: string, link: BilanLink): string {
  if (origin.includes('#')) throw new RangeError('origin must not contain a fragment');
  return `${origin.replace(/\/+$/, '')}/#${encodeLinkFragment(link)}`;
}

/** Parses `location.hash` (with or without its `#`; surrounding whitespace ignored). */
export function parseLinkFragment(fragment: string): Result<BilanLink, LinkError> {
  const text = fragment.trim().replace(/^#/, '').trim();
  if (text === '') return { ok: false, error: LinkError.Empty };
  const scheme = SCHEME.exec(text);
  if (scheme === null) return { ok: false, error: LinkError.UnknownScheme };
  if (scheme[1] !== String(LINK_VERSION)) return { ok: false, error: LinkError.UnknownVersion };
  const encoded = text.slice(scheme[0].length);
  if (!BASE64URL_CHARS.test(encoded)) return { ok: false, error: LinkError.BadBase64 };
  if (encoded.length < PAYLOAD_CHARS) return { ok: false, error: LinkError.Truncated };
  if (encoded.length > PAYLOAD_CHARS) return { ok: false, error: LinkError.TooLong };
  const payload = decodeBase64url(encoded);
  if (payload === undefined || payload.length !== PAYLOAD_BYTES)
    return { ok: false, error: LinkError.BadBase64 };
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  if (view.getUint32(CHECKSUM_OFFSET) !== crc32(payload.subarray(0, CHECKSUM_OFFSET))) {
    return { ok: false, error: LinkError.ChecksumMismatch };
  }
  if (payload[0] !== LINK_VERSION) return { ok: false, error: LinkError.UnknownVersion };
  const roleByte = payload[ROLE_OFFSET];
  const role = (Object.keys(PartyRole) as PartyRole[]).find((r) => PartyRole[r] === roleByte);
  if (role === undefined) return { ok: false, error: LinkError.BadRole };
  return {
    ok: true,
    value: {
      bilanId: bilanIdFromBytes(payload.slice(BILAN_ID_OFFSET, KEY_OFFSET)),
      key: payload.slice(KEY_OFFSET, CHECKSUM_OFFSET),
      role,
    },
  };
}

/** What to tell the person who opened the link, in French and English. */
export const LINK_ERROR_MESSAGES: Readonly<
  Record<LinkError, { readonly fr: string; readonly en: string }>
> = {
  empty: {
    fr: 'Ce lien ne contient pas de clé de bilan. Ouvrez le lien complet reçu de votre interlocuteur.',
    en: 'This link carries no bilan key. Open the full link you were sent.',
  },
  'unknown-scheme': {
    fr: "Ce lien n'est pas un lien Tandem. Vérifiez que vous avez copié le bon lien.",
    en: 'This is not a Tandem link. Check that you copied the right one.',
  },
  'unknown-version': {
    fr: "Ce lien vient d'une version plus récente de Tandem. Mettez l'application à jour.",
    en: 'This link comes from a newer version of Tandem. Update the app.',
  },
  'bad-base64': {
    fr: 'Ce lien contient des caractères inattendus. Copiez-le à nouveau, sans rien ajouter.',
    en: 'This link contains unexpected characters. Copy it again, adding nothing.',
  },
  truncated: {
    fr: 'Ce lien est incomplet (coupé lors de la copie). Copiez-le à nouveau en entier.',
    en: 'This link is incomplete (cut when copied). Copy it again in full.',
  },
  'too-long': {
    fr: 'Ce lien est trop long : du texte a été collé à sa suite. Copiez-le à nouveau.',
    en: 'This link is too long: text was pasted after it. Copy it again.',
  },
  'checksum-mismatch': {
    fr: 'Ce lien a été modifié ou mal recopié. Demandez un nouveau lien ou copiez-le à nouveau.',
    en: 'This link was altered or mistyped. Ask for a new link or copy it again.',
  },
  'bad-role': {
    fr: 'Ce lien ne désigne ni conseiller·ère ni bénéficiaire. Demandez un nouveau lien.',
    en: 'This link names neither a counsellor nor a beneficiary. Ask for a new link.',
  },
};
