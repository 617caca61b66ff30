import { getContext, setContext } from 'svelte';
import type { BilanState } from './bilan.svelte.ts';

const BILAN_KEY = Symbol('tandem-bilan');

export function setBilan(bilan: BilanState): void {
  setContext(BILAN_KEY, bilan);
}

export function getBilan(): BilanState {
  return getContext<BilanState>(BILAN_KEY);
}
