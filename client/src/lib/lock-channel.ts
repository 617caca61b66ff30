/**
 * Tells this browser's other Tandem tabs that the device lock changed (turned on or off,
 * "lock now", device erased): they reload, and show the lock screen if it is on. A tab
 * that missed the message cannot do harm either: the keystore refuses its writes.
 * Messages carry a word, never a passphrase or a key.
 *
 * One channel object per tab, for sending and receiving: a BroadcastChannel hears every
 * other object of the same name — in this tab too — but never itself.
 */
const CHANNEL = 'tandem-device-lock';

export type LockSignal = 'changed' | 'locked' | 'erased';

let channel: BroadcastChannel | null = null;
const listeners = new Set<(signal: LockSignal) => void>();

function tabChannel(): BroadcastChannel | null {
  if (typeof BroadcastChannel === 'undefined') return null;
  if (channel === null) {
    channel = new BroadcastChannel(CHANNEL);
    channel.onmessage = (event: MessageEvent<unknown>) => {
      const signal = event.data;
      if (signal === 'changed' || signal === 'locked' || signal === 'erased') {
        listeners.forEach((listener) => listener(signal));
      }
    };
  }
  return channel;
}

export function announceLockChange(signal: LockSignal): void {
  tabChannel()?.postMessage(signal);
}

/** Calls `listener` when another tab announces a change; returns the unsubscribe. */
export function onLockChange(listener: (signal: LockSignal) => void): () => void {
  tabChannel();
  listeners.add(listener);
  return () => listeners.delete(listener);
}
