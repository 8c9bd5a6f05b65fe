// The list of keyboard shortcuts.
import { SHORTCUTS } from '../hooks/use-shortcuts.ts';
import { Modal } from './modal.tsx';

export function ShortcutsHelp({ onClose }: { onClose(): void }) {
  return (
    <Modal
      title="Keyboard shortcuts"
      testId="shortcuts-help"
      actions={
        <button type="button" className="primary" onClick={onClose}>
          Close
        </button>
      }
    >
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr key={keys}>
              <td>
                <kbd>{keys}</kbd>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}
