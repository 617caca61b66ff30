// @tandem/crypto: the only code that touches libsodium. Seal/open, sign/verify and
// derive level only; byte layouts live in @tandem/protocol.
export { ready } from './sodium.ts';
export {
  bilanKeyFromBytes,
  createBilanId,
  createBilanKey,
  devicePublicKeyFromBytes,
  randomId,
  sameBilanKey,
  type BilanKey,
  type DevicePublicKey,
  type DocKey,
  type RtcPassword,
} from './keys.ts';
export { deriveBilanKeys, STORE_NAME_PREFIX, type DerivedKeys } from './derive.ts';
export { openMessage, sealMessage, type OpenResult } from './seal.ts';
export {
  createDeviceIdentity,
  exportIdentity,
  importIdentity,
  publicKeyOf,
  type DeviceIdentity,
  type StoredIdentity,
} from './identity.ts';
export { fingerprint, hashBytes } from './hash.ts';
export { openKeyForDevice, sealKeyForDevice, type DeviceBoxError } from './device-box.ts';
export {
  createSignedRecord,
  signRecord,
  verifyRecord,
  verifySignedRecord,
  type RecordSignature,
} from './sign.ts';
export {
  isPassphraseBox,
  openWithPassphrase,
  sealWithPassphrase,
  type PassphraseOpenError,
  type PassphraseOpenResult,
} from './passphrase.ts';
export {
  createVaultKey,
  destroyVaultKey,
  openFromVault,
  sameVaultKey,
  sealInVault,
  unwrapVaultKey,
  wrapVaultKey,
  type UnwrapResult,
  type VaultKey,
} from './vault.ts';
