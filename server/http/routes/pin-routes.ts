// Pinned node outputs: a builder pins what a node answered in a past run, and runs started from
// the editor (`usePins`) take it instead of running that node, so downstream nodes can be tried
// without calling the model again. Webhooks and schedules never use pins.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { R1flowError } from '../../../engine/errors.ts';
import { NodeIdSchema } from '../../../engine/flow-schema.ts';
import type { PinRecord } from '../../../engine/store/pin-records.ts';
import type { Store } from '../../../engine/store/store.ts';
import { existingFlow, flowInProject } from '../project-guard.ts';
import type { RouteTable } from '../route.ts';
import type { ServerContext } from '../server-context.ts';

const PinParams = z.object({ id: NodeIdSchema, nodeId: NodeIdSchema });

export function registerPinRoutes(app: FastifyInstance, routes: RouteTable, context: ServerContext): void {
  const { store } = context.runtime;

  routes.add(app, {
    method: 'GET',
    url: '/api/flows/:id/pins',
    tag: 'flows',
    summary: "The flow's pinned node outputs",
    params: z.object({ id: NodeIdSchema }),
    handler: async ({ params }, request) => {
      await existingFlow(context, request, params.id);
      return { pins: await store.pins.list(params.id) };
    },
  });

  routes.add(app, {
    method: 'PUT',
    url: '/api/flows/:id/pins/:nodeId',
    tag: 'flows',
    summary:
      "Pin a node's output from a past run of the flow; editor runs then take it instead of running the node",
    params: PinParams,
    body: z.object({ runId: z.string().min(1).max(64) }).strict(),
    responses: {
      200: 'Pinned',
      404: 'No such flow, run or node in that run',
      409: 'The node has no output in that run',
    },
    handler: async ({ params, body }, request) => {
      await existingFlow(context, request, params.id);
      const pin = await pinFromRun(store, params.id, params.nodeId, body.runId);
      await store.pins.put(pin);
      return { pin };
    },
  });

  routes.add(app, {
    method: 'DELETE',
    url: '/api/flows/:id/pins/:nodeId',
    tag: 'flows',
    summary: "Unpin a node's output",
    params: PinParams,
    responses: { 204: 'Unpinned', 404: 'The node has no pin' },
    handler: async ({ params }, request, reply) => {
      await flowInProject(context, request, params.id);
      if (!(await store.pins.remove(params.id, params.nodeId))) {
        throw new R1flowError('PIN_NOT_FOUND', `node "${params.nodeId}" of flow "${params.id}" has no pin`);
      }
      return reply.status(204).send();
    },
  });
}

/** The pin a node's output in `runId` makes, or why that run cannot give one. */
async function pinFromRun(store: Store, flowId: string, nodeId: string, runId: string): Promise<PinRecord> {
  const stored = await store.getRun(runId);
  if (!stored) throw new R1flowError('RUN_NOT_FOUND', `no run "${runId}"`, { path: 'body.runId' });
  if (stored.run.flowId !== flowId) {
    throw new R1flowError(
      'BAD_REQUEST',
      `run ${runId} is a run of flow "${stored.run.flowId}", not "${flowId}"`,
      {
        path: 'body.runId',
      },
    );
  }
  const node = stored.nodes.find((row) => row.nodeId === nodeId);
  if (!node) throw new R1flowError('NOT_FOUND', `run ${runId} has no node "${nodeId}"`);
  if (node.status !== 'succeeded' || node.output === null) {
    throw new R1flowError(
      'PIN_NO_OUTPUT',
      `node "${nodeId}" has no output to pin in run ${runId} (it is ${node.status}); pin it from a run where it succeeded`,
    );
  }
  return {
    flowId,
    nodeId,
    nodeKey: node.nodeKey,
    runId,
    output: node.output as Record<string, unknown>,
    pinnedAt: Date.now(),
  };
}
