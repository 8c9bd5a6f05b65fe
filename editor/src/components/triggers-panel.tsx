// The saved flow's webhooks and schedules (triggers follow the latest saved version).
import { useCallback, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { TriggerView } from '../api/api-types.ts';
import { describeError } from '../api/http-client.ts';
import { listTriggers, rotateSecret, setTriggerEnabled } from '../api/triggers-api.ts';
import { editorStore } from '../state/editor-store.ts';
import { notify } from '../state/notices-store.ts';
import { ScheduleCard } from './schedule-card.tsx';
import { WebhookCard } from './webhook-card.tsx';

export function TriggersPanel() {
  const flowId = useStore(editorStore, (state) => state.meta?.id);
  const serverVersion = useStore(editorStore, (state) => state.serverVersion);
  const [triggers, setTriggers] = useState<TriggerView[] | null>(null);

  const load = useCallback(async () => {
    if (!flowId || serverVersion === null) return setTriggers([]);
    try {
      setTriggers(await listTriggers(flowId));
    } catch (error) {
      notify('error', `Could not load triggers: ${describeError(error)}`, 'triggers');
    }
  }, [flowId, serverVersion]);

  useEffect(() => {
    void load();
  }, [load]);

  const toggle = async (id: string, enabled: boolean) => {
    // The switch moves at once; the list is read back from the server either way.
    setTriggers((list) => list?.map((t) => (t.id === id ? { ...t, enabled } : t)) ?? null);
    try {
      await setTriggerEnabled(id, enabled);
    } catch (error) {
      notify('error', `Could not switch the trigger: ${describeError(error)}`, 'triggers');
    }
    await load();
  };
  const rotate = async (id: string) => {
    try {
      const secret = await rotateSecret(id);
      setTriggers(
        (list) => list?.map((t) => (t.id === id && t.kind === 'webhook' ? { ...t, secret } : t)) ?? null,
      );
      notify('success', 'New secret issued; the old one no longer works.', 'triggers');
    } catch (error) {
      notify('error', `Could not rotate the secret: ${describeError(error)}`, 'triggers');
    }
  };

  if (!flowId) return <p className="muted">Open a flow to see its triggers.</p>;
  if (serverVersion === null)
    return <p className="muted">Save the flow to publish its webhooks and schedules.</p>;
  if (triggers === null) return <p className="muted">Loading…</p>;
  return (
    <div className="triggers-panel" data-testid="triggers-panel">
      {triggers.length === 0 ? (
        <p className="muted">
          This flow has no webhook or schedule trigger. Add a “Webhook trigger” or “Schedule trigger” node and
          save.
        </p>
      ) : null}
      {triggers.map((trigger) =>
        trigger.kind === 'webhook' ? (
          <WebhookCard
            key={trigger.id}
            trigger={trigger}
            onToggle={(enabled) => toggle(trigger.id, enabled)}
            onRotate={() => rotate(trigger.id)}
          />
        ) : (
          <ScheduleCard
            key={trigger.id}
            trigger={trigger}
            onToggle={(enabled) => toggle(trigger.id, enabled)}
          />
        ),
      )}
    </div>
  );
}
