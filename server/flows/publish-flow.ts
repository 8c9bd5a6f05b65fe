// Publishing: the document becomes an immutable version (or reuses the published or latest one
// when nothing changed), its test set must pass the publish gate, and only then does it become
// the version the flow's webhooks and schedules run. A refused publish leaves the published
// version and the triggers as they were.
import { R1flowError } from '../../engine/errors.ts';
import { sameFlowContent } from '../../engine/flow-content.ts';
import type { FlowDocument } from '../../engine/flow-schema.ts';
import { saveFlowIfChanged } from '../../engine/save-flow.ts';
import type { FlowSummary, FlowVersion } from '../../engine/store/records.ts';
import type { Runtime } from '../runtime/local-runtime.ts';
import type { NewTriggerSecret, TriggerStore } from '../triggers/trigger-store.ts';
import { type GateReport, runPublishGate } from './publish-gate.ts';

export interface PublishContext {
  runtime: Pick<Runtime, 'store' | 'orchestrator' | 'resources' | 'settings'>;
  triggers: TriggerStore;
  onTriggersChanged(): void;
}

export interface PublishResult {
  flow: FlowSummary | null;
  version: FlowVersion;
  /** False when the document is the published version already: nothing changed. */
  published: boolean;
  /** Whether a new version was made (a draft run may have made it before). */
  created: boolean;
  /** The test set's outcome; null for a flow without one (or when nothing was published). */
  gate: GateReport | null;
  newSecrets: NewTriggerSecret[];
}

export async function publishFlow(
  context: PublishContext,
  document: FlowDocument,
  publication: { by: string | null; note: string | null },
): Promise<PublishResult> {
  const { store } = context.runtime;
  await context.triggers.checkPaths(document);
  const current = await store.getFlow(document.id);
  const published =
    current?.publishedVersion == null
      ? null
      : await store.getFlowVersion(document.id, current.publishedVersion);
  if (published && sameFlowContent(published.document, document)) {
    return {
      flow: current,
      version: published,
      published: false,
      created: false,
      gate: null,
      newSecrets: [],
    };
  }
  // A draft that was run is already a version; publishing it reuses that version.
  const { created, ...candidate } = await saveFlowIfChanged(store, document);
  const gate = document.testSet ? await runPublishGate(context.runtime, candidate, document.testSet) : null;
  if (gate && !gate.passed) {
    const percent = (share: number) => `${(100 * share).toFixed(1)} %`;
    throw new R1flowError(
      'PUBLISH_GATE_FAILED',
      `version ${candidate.version} answered ${gate.correct} of ${gate.total} test questions right (${percent(gate.executionAccuracy)}), below minExecutionAccuracy ${percent(gate.minExecutionAccuracy)}; nothing was published (failed: ${gate.failures.map((f) => `#${f.number}`).join(', ')})`,
      { path: 'testSet', data: { gate } },
    );
  }
  const version = await store.publishVersion(document.id, candidate.version, publication);
  const newSecrets = await context.triggers.sync({ ...version.document, version: version.version });
  context.onTriggersChanged();
  return { flow: await store.getFlow(document.id), version, published: true, created, gate, newSecrets };
}
