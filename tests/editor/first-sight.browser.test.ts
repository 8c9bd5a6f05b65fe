// What a new builder meets first, on a laptop-sized screen (1280×720): the demo flow drawn at a
// size that can be read, a demo question run from the suggestions and answered as a number, the
// runs list, a new flow that refuses to save empty, palette clicks that place nodes side by side,
// a trigger that asks for a question, ports that light up while a connection is dragged, and one
// bad param reported only where it is. Real Chromium against `r1flow start`.
import type { Locator, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { saveScreenshot } from '../support/browser.ts';
import { edgeCount, field, node, notice, selectNode } from './editor-page.ts';
import { setUpEditorSession } from './editor-session.ts';

const session = setUpEditorSession({
  path: '/#/flows/nl2sql',
  waitForFlow: true,
  viewport: { width: 1280, height: 720 },
});

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function boxOf(locator: Locator): Promise<Box> {
  const box = await locator.boundingBox();
  if (!box) throw new Error(`${locator} is not on screen`);
  return box;
}

function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function inside(inner: Box, outer: Box): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}

/** The canvas's zoom, from the transform xyflow puts on its viewport. */
async function zoomOf(page: Page): Promise<number> {
  const transform = await page
    .locator('.react-flow__viewport')
    .evaluate((element) => (element as HTMLElement).style.transform);
  return Number(/scale\(([\d.]+)\)/.exec(transform)?.[1]);
}

/** Boxes of the nodes drawn at least partly inside the canvas. */
async function visibleNodeBoxes(page: Page): Promise<Map<string, Box>> {
  const canvas = await boxOf(page.getByTestId('canvas'));
  const boxes = new Map<string, Box>();
  for (const element of await page.locator('.react-flow__node').all()) {
    const id = (await element.getAttribute('data-id'))!;
    const box = await element.boundingBox();
    if (box && overlap(box, canvas)) boxes.set(id, box);
  }
  return boxes;
}

describe('the editor at first sight', () => {
  test('the demo flow opens readable: node text at 11 px or more, and nothing covers the nodes', async () => {
    const { page } = session;
    const zoom = await zoomOf(page);
    const canvas = await boxOf(page.getByTestId('canvas'));
    const visible = await visibleNodeBoxes(page);
    expect(visible.has('start'), 'the trigger end of the flow is on screen').toBe(true);
    expect([...visible.values()].filter((box) => inside(box, canvas)).length).toBeGreaterThanOrEqual(2);

    // Every piece of text on the drawn nodes, as the screen shows it (CSS size × zoom).
    const fontSizes = await page
      .locator(
        '.flow-node .flow-node-title, .flow-node .flow-node-id, .flow-node .port-name, .flow-node .port-type',
      )
      .evaluateAll((elements) =>
        elements.map((element) => Number.parseFloat(getComputedStyle(element).fontSize)),
      );
    expect(fontSizes.length).toBeGreaterThan(10);
    const smallest = Math.min(...fontSizes) * zoom;
    expect(smallest, `smallest node text on screen at zoom ${zoom}`).toBeGreaterThanOrEqual(11);

    // The zoom controls and (when asked for) the minimap sit over the canvas: not over a node.
    const controls = await boxOf(page.locator('.react-flow__controls'));
    for (const [id, box] of visible) expect(overlap(controls, box), `controls over ${id}`).toBe(false);
    expect(await page.locator('.react-flow__minimap').count()).toBe(0);
    await page.getByTestId('toggle-minimap').click();
    await page.locator('.react-flow__minimap').waitFor();
    await page.getByTestId('toggle-minimap').click();
    await page.locator('.react-flow__minimap').waitFor({ state: 'detached' });
    await saveScreenshot(page, 'editor-first-view-1280x720');
  });

  test('the Run tab suggests the demo questions; a count is answered as a number; the runs list says who asked what', async () => {
    const { page, server } = session;
    await page.getByTestId('tab-run').click();
    const suggestions = page.getByTestId('run-suggestions').getByRole('button');
    await expect.poll(() => suggestions.count()).toBeGreaterThan(10);
    const question = 'How many customers do we have?';
    await suggestions.filter({ hasText: question }).click();
    expect(await page.getByTestId('run-input-question').inputValue()).toBe(question);
    await page.getByTestId('run-button').click();
    await expect
      .poll(() => page.getByTestId('run-status').textContent(), { timeout: 60_000 })
      .toBe('succeeded');

    const value = page.getByTestId('answer-value');
    await expect.poll(() => value.locator('.answer-value-number').textContent()).toMatch(/^[\d,]+$/);
    expect(await page.getByTestId('answer-chart').count()).toBe(0);
    expect(await page.getByTestId('answer-table').count()).toBe(0);

    const latest = page.getByTestId('run-history').locator('li').first();
    await expect.poll(() => latest.getByTestId('run-question').textContent()).toContain(question);
    expect(await latest.getByTestId('run-origin').textContent()).toBe('editor');

    // The server agrees: a manual run from the editor, whose run.succeeded event carries the output.
    const { body } = await server.api<{
      runs: { id: string; trigger: { kind: string; detail?: { source?: string } } }[];
    }>('GET', '/api/runs?flow=nl2sql&limit=1');
    const run = body.runs[0]!;
    expect(run.trigger.kind).toBe('manual');
    expect(run.trigger.detail?.source).toBe('editor');
    const events = await (await fetch(`${server.url}/api/runs/${run.id}/events`)).text();
    const succeeded = /event: run\.succeeded\ndata: (.*)\n/.exec(events)?.[1];
    expect(succeeded, events.slice(-400)).toBeDefined();
    const { data } = JSON.parse(succeeded!) as { data: { output: Record<string, unknown> } };
    expect(JSON.stringify(data.output)).toContain('SELECT COUNT(*)');

    // Candidates are numbered as in the vote's JSON (`members`, from 0).
    const details = await server.api<{
      nodes: { nodeId: string; output: { clusters: { members: number[] }[] } }[];
    }>('GET', `/api/runs/${run.id}`);
    const vote = details.body.nodes.find((entry) => entry.nodeId === 'vote')!;
    const members = vote.output.clusters.map((cluster) => cluster.members.map((m) => `#${m}`).join(', '));
    await page.getByTestId('answer-clusters-toggle').click();
    const shown = await page.getByTestId('answer').getByTestId('vote-cluster').allTextContents();
    for (const list of members)
      expect(
        shown.some((text) => text.includes(`candidates ${list} ·`)),
        list,
      ).toBe(true);
  });

  test('one bad param is reported on its node only, not as missing inputs downstream', async () => {
    const { page } = session;
    // Pan left, as a user would, to bring the node to edit into view.
    const canvas = await boxOf(page.getByTestId('canvas'));
    await page.mouse.move(canvas.x + canvas.width - 80, canvas.y + canvas.height - 40);
    await page.mouse.down();
    await page.mouse.move(canvas.x + canvas.width - 420, canvas.y + canvas.height - 40, { steps: 8 });
    await page.mouse.up();
    await page.getByTestId('tab-node').click();
    await selectNode(page, 'generate');
    await field(page, 'params.n').fill('999');
    await expect
      .poll(() => page.getByTestId('node-issues-generate').textContent())
      .toMatch(/"n" must be at most \d+/);
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    const problems = page.getByTestId('flow-problems');
    await expect.poll(() => problems.textContent()).toContain('"n" must be at most');
    expect(await problems.textContent()).not.toMatch(/needs its input/);
    for (const id of ['execute', 'correct', 'vote', 'answer']) {
      expect(await page.getByTestId(`node-issues-${id}`).count(), id).toBe(0);
    }
    await page.getByTestId('undo').click();
    await page.getByTestId('node-issues-generate').waitFor({ state: 'detached' });
  });

  test('an empty flow does not publish: it says the flow needs a trigger, and no version is made', async () => {
    const { page } = session;
    await page.getByTestId('new-flow').click();
    const discard = page.getByRole('button', { name: /discard/i });
    if (await discard.isVisible().catch(() => false)) await discard.click();
    await page.getByTestId('new-flow-id').fill('first-flow');
    await page.getByTestId('new-flow-create').click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(0);
    // A draft may be unfinished; publishing it (what makes a version webhooks and runs use) may not.
    await page.getByTestId('publish-flow').click();
    await page.getByTestId('publish-confirm').click();
    await expect.poll(() => notice(page, 'publish').textContent()).toContain('no nodes');
    expect(await page.getByTestId('save-state').textContent()).not.toContain('v1');
    const versions = await session.server.api<{ versions: unknown[] }>(
      'GET',
      '/api/flows/first-flow/versions',
    );
    expect(versions.body.versions ?? []).toEqual([]);
    await page.getByTestId('tab-node').click();
    await expect.poll(() => page.getByTestId('flow-problems').textContent()).toContain('trigger');
  });

  test('clicked palette items land side by side near the centre; a new manual trigger asks for a question', async () => {
    const { page } = session;
    for (const type of ['trigger.manual@1', 'schema.retrieve@1', 'llm.generate@1', 'sql.execute@1']) {
      await page.getByTestId(`palette-item-${type}`).click();
    }
    const ids = ['manual', 'retrieve', 'generate', 'execute'];
    for (const id of ids) await node(page, id).waitFor();
    // Checked by the server, the nodes show their problems (and grow): still apart.
    await page.getByTestId('node-issues-execute').waitFor();
    const boxes = await Promise.all(ids.map((id) => boxOf(page.getByTestId(`rf__node-${id}`))));
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        expect(overlap(boxes[i]!, boxes[j]!), `${ids[i]} and ${ids[j]} overlap`).toBe(false);
      }
    }
    // The first one is where the user looks: the centre of the canvas.
    const canvas = await boxOf(page.getByTestId('canvas'));
    const first = boxes[0]!;
    const centre = { x: canvas.x + canvas.width / 2, y: canvas.y + canvas.height / 2, width: 1, height: 1 };
    expect(overlap(first, centre)).toBe(true);

    await selectNode(page, 'manual');
    expect(await field(page, 'params.fields[0].name').inputValue()).toBe('question');
    await page.getByTestId('port-out-manual-question').waitFor();
    expect(await page.getByTestId('node-issues-manual').count()).toBe(0);

    // A field added without a name says so in words, not in the validator's.
    await page.getByTestId('add-params.fields').click();
    const issues = page.getByTestId('node-issues-manual');
    await expect.poll(() => issues.getAttribute('title')).toContain('"fields[1].name" is required');
    expect(await issues.getAttribute('title')).not.toMatch(/Invalid input|expected string/);
    await page.getByTestId('undo').click();
    await issues.waitFor({ state: 'detached' });
    await saveScreenshot(page, 'editor-palette-clicks');
  });

  test('dragging a connection lights up the ports that take it; a drop near a port connects', async () => {
    const { page } = session;
    const handle = await boxOf(page.getByTestId('port-out-manual-question'));
    const target = await boxOf(page.getByTestId('port-in-retrieve-question'));
    // Pressed beside the dot (its hit area is larger than the dot), dropped short of the target.
    const press = { x: handle.x + handle.width / 2 + 9, y: handle.y + handle.height / 2 };
    const hit = await page.evaluate(({ x, y }) => {
      const element = document.elementFromPoint(x, y);
      return `${element?.closest('[data-testid]')?.getAttribute('data-testid')} ${element?.className}`;
    }, press);
    expect(hit).toContain('port-out-manual-question');
    await page.mouse.move(press.x, press.y);
    await page.mouse.down();
    // Held away from the canvas's edges, where the view would pan under the pointer.
    await page.mouse.move((press.x + target.x) / 2, target.y + 60, { steps: 5 });
    const fitOf = (side: string, id: string, port: string) =>
      page.locator(`.port:has(> [data-testid="port-${side}-${id}-${port}"])`).getAttribute('data-fit');
    await saveScreenshot(page, 'editor-connection-drag');
    await expect.poll(() => fitOf('in', 'retrieve', 'question')).toBe('compatible');
    expect(await fitOf('in', 'generate', 'question')).toBe('compatible');
    expect(await fitOf('in', 'generate', 'schema')).toBe('incompatible');
    expect(await fitOf('out', 'retrieve', 'schema')).toBe('incompatible');
    await page.mouse.move(target.x + target.width / 2 + 14, target.y + target.height / 2 + 6, { steps: 3 });
    await page.mouse.up();
    await expect.poll(() => edgeCount(page)).toBe(1);
    expect(await fitOf('in', 'retrieve', 'question')).toBeNull();
  });
});
