// Runs of the open flow: start one with the trigger's input form, follow it live, read its answer
// (table, chart, SQL, confidence, vote), ask a follow-up in the same thread, and go back to
// earlier runs.
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { useStoreWithEqualityFn } from 'zustand/traditional';
import { suggestedQuestions } from '../api/runs-api.ts';
import { findAnswer } from '../run/answer.ts';
import { earlierTurns, followUpInput, questionField } from '../run/follow-up.ts';
import { loadPins } from '../run/pins.ts';
import { runInputFieldsEqual, selectRunInputFields } from '../run/run-input-selectors.ts';
import { refreshRunHistory, runFlow } from '../run/run-session.ts';
import { runStore } from '../run/run-store.ts';
import { editorStore, selectDirty } from '../state/editor-store.ts';
import { saveCurrentFlow } from '../state/flow-actions.ts';
import { useFlowRights } from '../state/session-store.ts';
import { AnswerView } from './answer-view.tsx';
import { FollowUpBox } from './follow-up-box.tsx';
import { RunHistory } from './run-history.tsx';
import { RunInputForm } from './run-input-form.tsx';
import { RunSummary } from './run-summary.tsx';
import { ThreadTurns } from './thread-turns.tsx';

export function RunPanel() {
  const flowId = useStore(editorStore, (state) => state.meta?.id);
  const dirty = useStore(editorStore, selectDirty);
  const fields = useStoreWithEqualityFn(editorStore, selectRunInputFields, runInputFieldsEqual);
  const { run, details, thread, history } = useStore(runStore, (state) => state);
  const [starting, setStarting] = useState(false);
  const { canRun, role } = useFlowRights();
  const [suggestions, setSuggestions] = useState<string[]>([]);

  useEffect(() => {
    if (flowId) {
      void refreshRunHistory(flowId);
      void loadPins(flowId);
    }
  }, [flowId]);

  // Asked again after a save: a trigger may have gained its question field.
  const savedVersion = useStore(editorStore, (state) => state.serverVersion);
  useEffect(() => {
    setSuggestions([]);
    if (!flowId || savedVersion === null) return;
    let current = true;
    suggestedQuestions(flowId)
      .then((questions) => current && setSuggestions(questions))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [flowId, savedVersion]);

  if (!flowId) return <p className="muted">Open a flow to run it.</p>;
  const answer = findAnswer(run, details);
  const field = questionField(fields);
  const turns = run ? earlierTurns(thread, run) : [];
  const start = async (input: Record<string, unknown>, followUpOf?: string) => {
    setStarting(true);
    try {
      // Runs take the draft saved on the server, so unsaved edits are saved first.
      if (dirty && !(await saveCurrentFlow({ quiet: true }))) return;
      await runFlow(flowId, input, followUpOf);
    } finally {
      setStarting(false);
    }
  };

  return (
    <div className="run-panel" data-testid="run-panel">
      {canRun ? (
        <RunInputForm
          fields={fields}
          suggestions={suggestions}
          busy={starting}
          runLabel={dirty ? 'Save and run' : 'Run'}
          onRun={start}
        />
      ) : (
        <p className="muted" data-testid="run-refused">
          Your role ({role ?? 'none'}) in this flow's project may not start runs.
        </p>
      )}
      {run && run.flowId === flowId ? (
        <section className="run-current">
          {turns.length > 0 ? <ThreadTurns turns={turns} /> : null}
          <RunSummary run={run} />
          {answer ? (
            <AnswerView answer={answer} runId={run.status === 'succeeded' ? run.id : undefined} />
          ) : null}
          {answer && run.status === 'succeeded' && field ? (
            <FollowUpBox
              busy={starting}
              onAsk={(question) => start(followUpInput(run.input, field, question), run.id)}
            />
          ) : null}
        </section>
      ) : null}
      <section>
        <h4>History</h4>
        <RunHistory runs={history} shownId={run?.id} />
      </section>
    </div>
  );
}
