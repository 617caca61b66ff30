/**
 * What the closure runs for the whole app once the device is open: the beacons that keep
 * re-announcing destroyed bilans' orders, and the retention sweep (at start-up for every
 * stored bilan, then on a timer for as long as the app is open).
 */
import type { TandemDevice } from '@tandem/sync';
import { RETENTION_CHECK_INTERVAL_MS } from './clock.ts';
import { kept } from './kept.svelte.ts';
import { sweepRetention } from './retention-sweep.ts';

interface ClosureApp {
  readonly device: TandemDevice | null;
  readonly current: { readonly bilanId: string } | null;
  refreshBilans(): Promise<void>;
}

export function startClosure(app: ClosureApp): () => void {
  const device = app.device;
  if (!device) return () => undefined;
  const relayUrl = location.origin;
  void device.startBeacons({ relayUrl }).catch(() => undefined);
  let running = false;
  const sweep = async (includeUnknown: boolean) => {
    if (running) return;
    running = true;
    try {
      const openBilanId = () => app.current?.bilanId ?? null;
      const destroyed = await sweepRetention(device, { relayUrl, openBilanId, includeUnknown });
      if (destroyed.length > 0) await Promise.all([app.refreshBilans(), kept.refresh(device)]);
    } catch {
      // Storage trouble: the next tick tries again.
    } finally {
      running = false;
    }
  };
  void sweep(true);
  const timer = setInterval(() => void sweep(false), RETENTION_CHECK_INTERVAL_MS);
  return () => clearInterval(timer);
}
