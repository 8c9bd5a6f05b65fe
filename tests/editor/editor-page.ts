// What a user does in the editor, as steps the browser tests share: drag a node type from the
// palette, connect two ports, select a node, fill a field.

import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

export async function waitForEditor(page: Page): Promise<void> {
  await page.locator('[data-testid="app"][data-started="true"]').waitFor({ timeout: 30_000 });
}

/** Waits until the open flow is drawn, fitted to the view, and checked by the server. */
export async function waitForCanvas(page: Page): Promise<void> {
  await page
    .locator('[data-testid="canvas"][data-view-ready="true"][data-checked="true"]')
    .waitFor({ timeout: 30_000 });
}

export function node(page: Page, id: string): Locator {
  return page.getByTestId(`flow-node-${id}`);
}

/** Drags a node type from the palette onto the canvas at (x, y) from the canvas's top-left corner. */
export async function dragFromPalette(page: Page, type: string, x: number, y: number): Promise<void> {
  await page
    .getByTestId(`palette-item-${type}`)
    .dragTo(page.getByTestId('canvas'), { targetPosition: { x, y } });
}

/** Drags from an output handle to an input handle, as a user connects two ports. */
export async function connectPorts(page: Page, from: string, to: string): Promise<void> {
  const [fromNode, fromPort] = from.split('.') as [string, string];
  const [toNode, toPort] = to.split('.') as [string, string];
  const source = await centreOf(page.getByTestId(`port-out-${fromNode}-${fromPort}`));
  const target = await centreOf(page.getByTestId(`port-in-${toNode}-${toPort}`));
  await page.mouse.move(source.x, source.y);
  await page.mouse.down();
  await page.mouse.move((source.x + target.x) / 2, (source.y + target.y) / 2, { steps: 5 });
  await page.mouse.move(target.x, target.y, { steps: 5 });
  await page.mouse.up();
}

async function centreOf(locator: Locator): Promise<{ x: number; y: number }> {
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.boundingBox();
  if (!box) throw new Error(`${locator} is not visible`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

export async function edgeCount(page: Page): Promise<number> {
  return page.locator('.react-flow__edge').count();
}

export async function selectNode(page: Page, id: string): Promise<void> {
  await node(page, id).locator('.flow-node-header').click();
  await expect.poll(() => page.getByTestId('node-id-input').inputValue()).toBe(id);
}

export function field(page: Page, path: string): Locator {
  return page.locator(`[data-testid="field-${path}"]`);
}

/** The text of the latest notice about `topic` (connection, import, save...). */
export function notice(page: Page, topic: string): Locator {
  return page.getByTestId(`notice-${topic}`);
}

/** Closes every notice (for clean screenshots). */
export async function dismissNotices(page: Page): Promise<void> {
  // All at once: the ones that are not errors fade by themselves meanwhile.
  await page.locator('.notice button').evaluateAll((buttons) => {
    for (const button of buttons) (button as HTMLButtonElement).click();
  });
}
