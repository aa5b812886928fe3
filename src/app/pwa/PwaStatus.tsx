import { useEffect } from 'react';
import { OfflineStatus } from './OfflineStatus.tsx';
import { startPwa } from './register.ts';
import { UpdatePrompt } from './UpdatePrompt.tsx';
import './pwa.css';

/** The header's offline line and update prompt; registers the service worker once. */
export function PwaStatus() {
  useEffect(() => startPwa(), []);
  return (
    <div className="pwa" data-testid="pwa">
      <UpdatePrompt />
      <OfflineStatus />
    </div>
  );
}
