// The messages of the moment (refused connection, rejected import, saved), newest last.
import { useStore } from 'zustand';
import { dismiss, noticesStore } from '../state/notices-store.ts';

export function Notices() {
  const notices = useStore(noticesStore, (state) => state.notices);
  if (notices.length === 0) return null;
  return (
    <div className="notices" aria-live="polite">
      {notices.map((notice) => (
        <div
          key={notice.id}
          className={`notice notice-${notice.kind}`}
          data-testid={`notice-${notice.topic}`}
          role="status"
        >
          <span>{notice.text}</span>
          <button type="button" className="small" onClick={() => dismiss(notice.id)} aria-label="Dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
