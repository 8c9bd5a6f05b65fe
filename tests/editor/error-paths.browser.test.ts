// Error paths in the editor, in real Chromium against `r1flow start`: a failing node first fails
// the run and starts the error flow watching it; then the builder gives the node an error port
// (drawn in the error colour), connects it, and the run follows the error path.
import { describe, expect, test } from 'vitest';
import { saveScreenshot } from '../support/browser.ts';
import { connectPorts, field, node, selectNode, waitForCanvas, waitForEditor } from './editor-page.ts';
import { setUpEditorSession } from './editor-session.ts';

const session = setUpEditorSession({ viewport: { width: 1500, height: 940 } });

/** retrieve reads a warehouse connection that does not exist, so it always fails. */
const FRAGILE = {
  id: 'fragile',
  name: 'Fragile',
  nodes: [
    {
      id: 'manual',
      type: 'trigger.manual@1',
      params: { fields: [{ name: 'question' }] },
      position: { x: 0, y: 0 },
    },
    {
      id: 'retrieve',
      type: 'schema.retrieve@1',
      params: { connection: 'missing-warehouse' },
      position: { x: 320, y: 0 },
    },
    { id: 'branch', type: 'control.branch@1', params: {}, position: { x: 680, y: -120 } },
    { id: 'out', type: 'output.answer@1', params: {}, position: { x: 680, y: 120 } },
  ],
  edges: [
    { id: 'e1', from: { node: 'manual', port: 'question' }, to: { node: 'retrieve', port: 'question' } },
    { id: 'e2', from: { node: 'retrieve', port: 'schema' }, to: { node: 'branch', port: 'value' } },
  ],
};

const ALERTS = {
  id: 'alerts',
  name: 'Alerts',
  nodes: [
    { id: 'failed', type: 'trigger.error@1', params: { flows: ['fragile'] } },
    { id: 'alert', type: 'output.answer@1', params: {} },
  ],
  edges: [{ id: 'e1', from: { node: 'failed', port: 'payload' }, to: { node: 'alert', port: 'value' } }],
};

async function runQuestion(expected: 'failed' | 'succeeded') {
  const { page } = session;
  await page.getByTestId('tab-run').click();
  await page.getByTestId('run-input-question').fill('How many customers are there?');
  await page.getByTestId('run-button').click();
  await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 60_000 }).toBe(expected);
}

describe('error paths in the editor', () => {
  test('a failing node fails the run, and the error flow watching the flow runs with the failure', async () => {
    const { page, server } = session;
    for (const flow of [FRAGILE, ALERTS]) {
      const created = await server.api('POST', '/api/flows', flow);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    await page.goto(`${server.url}/#/flows/fragile`);
    await waitForEditor(page);
    await waitForCanvas(page);
    await expect(page.getByTestId('port-out-retrieve-error').count()).resolves.toBe(0);

    await runQuestion('failed');
    await expect.poll(() => node(page, 'retrieve').getAttribute('data-run-status')).toBe('failed');

    let alertRuns: {
      id: string;
      status: string;
      trigger: { kind: string };
      input: Record<string, unknown>;
    }[] = [];
    await expect
      .poll(async () => {
        alertRuns = (await server.api<{ runs: typeof alertRuns }>('GET', '/api/runs?flow=alerts')).body.runs;
        return alertRuns.map((run) => run.status);
      })
      .toEqual(['succeeded']);
    expect(alertRuns[0]!.trigger.kind).toBe('error');
    expect(alertRuns[0]!.input).toMatchObject({
      flowId: 'fragile',
      nodeId: 'retrieve',
      code: 'CONNECTION_NOT_FOUND',
    });
  });

  test('onError "errorPort" draws an error port; connected, a failure follows it and the run goes on', async () => {
    const { page } = session;
    await selectNode(page, 'retrieve');
    await page.locator('.inspector summary', { hasText: 'errors' }).click();
    await field(page, 'options.onError').selectOption({ label: 'errorPort' });

    const handle = page.getByTestId('port-out-retrieve-error');
    await handle.waitFor();
    // The error colour, unlike every typed port's colour.
    expect(await handle.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe(
      'rgb(229, 30, 16)',
    );
    expect(
      await page
        .getByTestId('port-out-retrieve-schema')
        .evaluate((element) => getComputedStyle(element).backgroundColor),
    ).not.toBe('rgb(229, 30, 16)');

    await connectPorts(page, 'retrieve.error', 'out.value');
    await expect.poll(() => page.locator('.react-flow__edge.edge-error').count()).toBe(1);
    await page.getByTestId('save-flow').click();
    await expect.poll(() => page.getByTestId('save-state').textContent()).toContain('saved');

    await runQuestion('succeeded');
    await expect.poll(() => node(page, 'retrieve').getAttribute('data-run-status')).toBe('failed');
    expect(await node(page, 'retrieve').getByTestId('node-run-handled').textContent()).toContain('handled');
    await expect.poll(() => node(page, 'out').getAttribute('data-run-status')).toBe('succeeded');
    await expect.poll(() => node(page, 'branch').getAttribute('data-run-status')).toBe('skipped');
    await saveScreenshot(page, 'editor-error-path');

    // What the error branch received: the failed node, its error code and message, the attempt.
    await selectNode(page, 'out');
    await expect
      .poll(() => page.getByTestId('node-run-details').textContent())
      .toContain('CONNECTION_NOT_FOUND');
  });
});
