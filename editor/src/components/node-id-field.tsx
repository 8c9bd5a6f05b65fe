// Renames a node; edges follow. The new id must fit the flow schema and be free.
import { useEffect, useState } from 'react';
import { NodeIdSchema } from '../../../engine/flow-schema.ts';
import { FieldShell } from '../forms/field-shell.tsx';
import { renameNode } from '../state/editor-edits.ts';
import { editorStore } from '../state/editor-store.ts';

export function NodeIdField({ nodeId }: { nodeId: string }) {
  const [text, setText] = useState(nodeId);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText(nodeId);
    setError(null);
  }, [nodeId]);

  const commit = () => {
    if (text === nodeId) return;
    const parsed = NodeIdSchema.safeParse(text);
    if (!parsed.success) return setError(`the id ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
    if (editorStore.getState().nodes.some((node) => node.id === text))
      return setError(`"${text}" is taken by another node`);
    setError(null);
    renameNode(nodeId, text);
  };

  return (
    <FieldShell
      label="Id"
      htmlFor="node-id"
      help="Edges follow a renamed node. Press Enter to apply."
      issues={error ? [error] : []}
    >
      <input
        id="node-id"
        value={text}
        onChange={(event) => setText(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter') commit();
        }}
        data-testid="node-id-input"
      />
    </FieldShell>
  );
}
