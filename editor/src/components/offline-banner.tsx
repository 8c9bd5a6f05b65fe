// Shown while the API does not answer: edits stay in this browser, and Retry asks again. The
// editor also retries by itself every few seconds.
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { checkHealth } from '../api/system-api.ts';
import { connectivityStore } from '../state/connectivity-store.ts';

const AUTO_RETRY_MS = 5000;

export function OfflineBanner({ onBack }: { onBack(): void }) {
  const reachable = useStore(connectivityStore, (state) => state.reachable);
  const [checking, setChecking] = useState(false);

  const retry = async () => {
    setChecking(true);
    try {
      await checkHealth();
    } catch {
      // still away; the banner stays
    } finally {
      setChecking(false);
    }
    if (connectivityStore.getState().reachable) onBack();
  };

  useEffect(() => {
    if (reachable) return;
    const timer = setInterval(() => {
      void checkHealth()
        .catch(() => undefined)
        .then(() => {
          if (connectivityStore.getState().reachable) onBack();
        });
    }, AUTO_RETRY_MS);
    return () => clearInterval(timer);
  }, [reachable, onBack]);

  if (reachable) return null;
  return (
    <div className="offline-banner" role="alert" data-testid="offline-banner">
      <span>
        The r1flow server is unreachable. Your edits are kept in this browser as a draft and nothing is lost;
        save once it is back.
      </span>
      <button type="button" onClick={retry} disabled={checking} data-testid="offline-retry">
        {checking ? 'Checking…' : 'Retry now'}
      </button>
    </div>
  );
}
