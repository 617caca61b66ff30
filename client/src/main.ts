import { mount } from 'svelte';
import App from './App.svelte';
import { AppState } from './lib/app.svelte.ts';
import './styles/global.css';

/**
 * The fragment carries a bilan key. Read it, then take it out of the address bar and the
 * tab's history before anything else runs; it is never logged or sent anywhere.
 */
function takeLinkFragment(): string | null {
  const fragment = location.hash.length > 1 ? location.hash.slice(1) : null;
  if (location.hash !== '' || location.href.endsWith('#')) {
    history.replaceState(null, '', location.pathname + location.search);
  }
  return fragment;
}

const app = new AppState();
const target = document.getElementById('app');
if (target) {
  const linkFragment = takeLinkFragment();
  mount(App, { target, props: { app } });
  void app.start(linkFragment);
  // A link pasted into the address bar of an open tab changes only the fragment.
  window.addEventListener('hashchange', () => {
    const fragment = takeLinkFragment();
    if (fragment !== null) void app.acceptLink(fragment);
  });
}
