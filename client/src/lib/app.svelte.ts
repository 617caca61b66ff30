import {
  StorageError,
  TandemDevice,
  type DeviceStart,
  type LockChangeResult,
  type LockedDevice,
  type RotationResult,
  type StorageErrorCode,
  type StoredBilan,
  type UnlockError,
} from '@tandem/sync';
import type { LinkError } from '@tandem/protocol';
import { getContext, setContext } from 'svelte';
import type { BilanState, NewBilanSettings } from './bilan.svelte.ts';
import { startClosure } from './closure-startup.ts';
import { announceLockChange, onLockChange } from './lock-channel.ts';
import { Locale } from './locale.svelte.ts';
import { parseRoute, type Route } from './route.ts';

export type Notice = { readonly tone: 'info' | 'error'; readonly text: string };

type Startup =
  | { readonly state: 'starting' }
  | { readonly state: 'ready' }
  /** The device lock is on: the lock screen asks for the passphrase. */
  | { readonly state: 'locked' }
  | { readonly state: 'storage-failed'; readonly code: StorageErrorCode | 'unknown' };

/**
 * Everything that outlives a screen: the device, the list of local bilans, the route and
 * the bilan currently open. Routes live in `history.state`, never in the URL: the URL's
 * fragment is reserved for bilan links and is removed as soon as it has been read.
 */
export class AppState {
  readonly locale = new Locale();
  startup = $state.raw<Startup>({ state: 'starting' });
  device = $state.raw<TandemDevice | null>(null);
  route = $state.raw<Route>({ name: 'home' });
  bilans = $state.raw<StoredBilan[]>([]);
  bilansFailed = $state(false);
  notice = $state.raw<Notice | null>(null);
  /** The bilan shown by the `bilan` route; closed when leaving it. */
  current = $state.raw<BilanState | null>(null);
  /** The locked keystore while the lock screen shows; null once unlocked. */
  private locked: LockedDevice<TandemDevice> | null = null;
  /** A link opened while locked (memory only), accepted once unlocked. */
  pendingLink = $state.raw<string | null>(null);

  /**
   * @param linkFragment the URL fragment read at startup (already removed from the
   *   address bar), or null. Kept only until it has been handed to the device.
   */
  async start(linkFragment: string | null): Promise<void> {
    window.addEventListener('popstate', (event) => {
      void this.show(parseRoute(event.state) ?? { name: 'home' });
    });
    // Another tab turned the lock on or off, locked or erased the device: start again.
    onLockChange(() => location.reload());
    let started: DeviceStart;
    try {
      started = await TandemDevice.start();
    } catch (error) {
      this.storageFailed(error);
      return;
    }
    if (started.locked) {
      this.locked = started.device;
      this.pendingLink = linkFragment;
      this.startup = { state: 'locked' };
      return;
    }
    await this.opened(started.device, linkFragment);
  }

  private storageFailed(error: unknown): void {
    this.startup = {
      state: 'storage-failed',
      code: error instanceof StorageError ? error.code : 'unknown',
    };
  }

  /** The device is open (at start-up, or once unlocked): show where the tab was. */
  private async opened(device: TandemDevice, linkFragment: string | null): Promise<void> {
    this.device = device;
    this.startup = { state: 'ready' };
    startClosure(this);
    if (linkFragment !== null) {
      await this.acceptLink(linkFragment);
      return;
    }
    // A reload or back/forward returns to where the tab was; typing the address opens home.
    const restore = ['reload', 'back_forward'].includes(navigationType());
    const route = restore ? parseRoute(history.state) : null;
    await this.show(route ?? { name: 'home' }, { replace: true });
  }

  // --- Device lock ----------------------------------------------------------------

  /**
   * Unlocks the device with `passphrase` (about a second of Argon2id). Null once open;
   * otherwise why not — nothing changed, and the person may try again.
   */
  async unlock(passphrase: string): Promise<UnlockError | null> {
    const locked = this.locked;
    if (!locked) return null;
    let result: Awaited<ReturnType<typeof locked.unlock>>;
    try {
      result = await locked.unlock(passphrase);
    } catch (error) {
      this.storageFailed(error);
      return null;
    }
    if (!result.ok) return result.error;
    this.locked = null;
    const link = this.pendingLink;
    this.pendingLink = null;
    await this.opened(result.device, link);
    return null;
  }

  /** Forgotten passphrase: erases every Tandem database of this browser, then restarts. */
  async eraseDevice(): Promise<boolean> {
    const locked = this.locked;
    if (!locked) return false;
    try {
      await locked.erase();
    } catch {
      return false;
    }
    announceLockChange('erased');
    history.replaceState(null, '', '/');
    location.reload();
    return true;
  }

  async enableLock(passphrase: string): Promise<LockChangeResult | 'failed'> {
    const result = await this.lockChange(() => this.device?.enableLock(passphrase));
    if (result !== 'failed' && result.ok) announceLockChange('changed');
    return result;
  }

  async changeLockPassphrase(current: string, next: string): Promise<LockChangeResult | 'failed'> {
    return this.lockChange(() => this.device?.changeLockPassphrase(current, next));
  }

  async disableLock(current: string): Promise<LockChangeResult | 'failed'> {
    const result = await this.lockChange(() => this.device?.disableLock(current));
    if (result !== 'failed' && result.ok) announceLockChange('changed');
    return result;
  }

  private async lockChange(
    change: () => Promise<LockChangeResult> | undefined,
  ): Promise<LockChangeResult | 'failed'> {
    try {
      return (await change()) ?? 'failed';
    } catch {
      return 'failed';
    }
  }

  /**
   * "Lock now": closes the bilan, the sessions and the keystore, then reloads the page —
   * which is what drops the keys this tab held in memory — in every Tandem tab.
   */
  async lockNow(): Promise<void> {
    const device = this.device;
    if (!device?.lockEnabled) return;
    const current = this.current;
    this.dropCurrent();
    await current?.close().catch(() => undefined);
    this.device = null;
    await device.close().catch(() => undefined);
    announceLockChange('locked');
    location.reload();
  }

  /** Shows `route`, recording it in the tab's history (not in the URL). */
  async go(route: Route, options: { replace?: boolean } = {}): Promise<void> {
    await this.show(route, { ...options, record: true });
  }

  private async show(
    route: Route,
    options: { replace?: boolean; record?: boolean } = {},
  ): Promise<void> {
    if (options.record || options.replace) {
      const method = options.replace ? 'replaceState' : 'pushState';
      // Link-error pages are not worth returning to.
      history[method](route.name === 'link-error' ? null : { tandem: route }, '', '/');
    }
    if (route.name !== 'bilan' || this.current?.bilanId !== route.bilanId) {
      const previous = this.current;
      this.dropCurrent();
      if (previous) void previous.close();
    }
    this.route = route;
    if (route.name === 'home') await this.refreshBilans();
    if (route.name === 'bilan' && !this.current) await this.openBilan(route.bilanId);
  }

  async refreshBilans(): Promise<void> {
    if (!this.device) return;
    try {
      this.bilans = await this.device.listBilans();
      this.bilansFailed = false;
    } catch {
      this.bilansFailed = true;
    }
  }

  private async openBilan(bilanId: string): Promise<void> {
    const device = this.device;
    if (!device) return;
    const stored = await device.getBilan(bilanId).catch(() => null);
    if (!stored) {
      this.notify('error', this.locale.t.errors.bilanMissing);
      await this.go({ name: 'home' }, { replace: true });
      return;
    }
    const State = await this.loadBilanCode();
    if (!State) {
      await this.go({ name: 'home' }, { replace: true });
      return;
    }
    if (stored.revokedAt !== null) {
      await this.go({ name: 'revoked', bilanId }, { replace: true });
      return;
    }
    const bilan = new State(device, stored, this.bilanOptions(bilanId));
    this.current = bilan;
    await bilan.open(location.origin);
  }

  private bilanOptions(bilanId: string): ConstructorParameters<typeof BilanState>[2] {
    return {
      unverifiedLabel: () => this.locale.t.admission.unverified,
      hooks: {
        onKeyChange: (outcome) => void this.afterKeyChange(bilanId, outcome),
        rotateKey: (recipients) => this.rotateKey(bilanId, recipients),
      },
    };
  }

  /**
   * Counsellor: moves the bilan to a new key shared with `recipients` only, then reopens
   * it. The other devices on the old key learn it from the beacon on the old topic.
   */
  private async rotateKey(bilanId: string, recipients: readonly Uint8Array[]): Promise<boolean> {
    const device = this.device;
    if (!device) return false;
    // Every unknown device known now is shut out by the change: recorded for both parties.
    const excluded = this.current?.intruders.map((intruder) => intruder.publicKey) ?? [];
    await this.closeCurrent(bilanId);
    try {
      await device.rotateKey(bilanId, recipients);
    } catch {
      this.notify('error', this.locale.t.admission.rotateFailed);
      await this.openBilan(bilanId);
      return false;
    }
    void device.startBeacons({ relayUrl: location.origin }).catch(() => undefined);
    await this.openBilan(bilanId);
    this.current?.admission.markExcluded(excluded);
    this.notify('info', this.locale.t.admission.rotated);
    return true;
  }

  /** A rotation reached this device: reopen under the new key, or show the revoked screen. */
  private async afterKeyChange(bilanId: string, outcome: RotationResult): Promise<void> {
    await this.closeCurrent(bilanId);
    if (outcome === 'rotated') {
      await this.openBilan(bilanId);
      this.notify('info', this.locale.t.admission.keyChanged);
      return;
    }
    await this.go({ name: 'revoked', bilanId }, { replace: true });
  }

  private async closeCurrent(bilanId: string): Promise<void> {
    const current = this.current;
    if (current?.bilanId !== bilanId) return;
    this.dropCurrent();
    await current.close();
  }

  /** The bilan's code (a separate chunk), or null with a message if it cannot be fetched. */
  private async loadBilanCode(): Promise<typeof BilanState | null> {
    try {
      return await loadBilanState();
    } catch {
      // Offline on first use, or the app was updated on the server since this tab opened.
      this.notify('error', this.locale.t.errors.codeUnavailable);
      return null;
    }
  }

  async acceptLink(fragment: string): Promise<void> {
    if (this.startup.state === 'locked') {
      this.pendingLink = fragment;
      return;
    }
    const device = this.device;
    if (!device) return;
    let result: Awaited<ReturnType<TandemDevice['acceptLink']>>;
    try {
      result = await device.acceptLink(fragment);
    } catch {
      this.notify('error', this.locale.t.errors.bilanOpenFailed);
      await this.go({ name: 'home' }, { replace: true });
      return;
    }
    if (!result.ok) {
      await this.showLinkError(result.error);
      return;
    }
    await this.go({ name: 'bilan', bilanId: result.bilanId }, { replace: true });
  }

  private async showLinkError(error: LinkError | 'revoked'): Promise<void> {
    await this.go({ name: 'link-error', error }, { replace: true });
  }

  /** Creates the bilan on this device and opens it with the invitation visible. */
  async createBilan(settings: NewBilanSettings): Promise<boolean> {
    const device = this.device;
    if (!device) return false;
    // Fetched first: if it cannot be, nothing is created.
    const State = await this.loadBilanCode();
    if (!State) return false;
    let bilanId: string;
    try {
      bilanId = await device.createBilan();
    } catch {
      return false;
    }
    const stored = await device.getBilan(bilanId).catch(() => null);
    if (!stored) return false;
    const bilan = new State(device, stored, this.bilanOptions(bilanId));
    try {
      await bilan.open(location.origin);
      bilan.initialize(settings);
    } catch {
      await bilan.close();
      await device.forgetBilan(bilanId).catch(() => undefined);
      return false;
    }
    const previous = this.current;
    this.current = bilan;
    if (previous) void previous.close();
    await this.go({ name: 'bilan', bilanId });
    return true;
  }

  /** Removes a bilan's local copy and key from this device (the other party keeps theirs). */
  async forgetBilan(bilanId: string): Promise<boolean> {
    const device = this.device;
    if (!device) return false;
    try {
      if (this.current?.bilanId === bilanId) {
        const current = this.current;
        this.dropCurrent();
        await current.close();
      }
      await device.forgetBilan(bilanId);
    } catch {
      return false;
    } finally {
      await this.refreshBilans();
    }
    return true;
  }

  /**
   * Takes the open bilan off screen. Focus leaves it first: an editor that still has focus
   * when its view is torn down blurs in the middle of Svelte's update and writes state there.
   */
  private dropCurrent(): void {
    const focused = document.activeElement;
    if (focused instanceof HTMLElement && focused !== document.body) focused.blur();
    this.current = null;
  }

  notify(tone: Notice['tone'], text: string): void {
    this.notice = { tone, text };
  }
}

function navigationType(): string {
  const entry = performance.getEntriesByType('navigation')[0];
  return entry instanceof PerformanceNavigationTiming ? entry.type : 'navigate';
}

// The bilan's state, the workspace domain and their screens are a separate chunk: the
// home screen does not load them.
async function loadBilanState(): Promise<typeof BilanState> {
  return (await import('./bilan.svelte.ts')).BilanState;
}

const APP_KEY = Symbol('tandem-app');

export function setApp(app: AppState): void {
  setContext(APP_KEY, app);
}

export function getApp(): AppState {
  return getContext<AppState>(APP_KEY);
}
