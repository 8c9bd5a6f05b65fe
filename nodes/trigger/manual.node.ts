// Starts a flow by hand (editor, CLI, API): the run's input becomes the trigger's outputs.
import { z } from 'zod';
import { defineNode } from '../../engine/define-node.ts';
import { fieldsTrigger, InputFieldsSchema, STARTER_FIELDS } from './input-fields.ts';

export default defineNode({
  type: 'trigger.manual',
  version: 1,
  title: 'Manual trigger',
  family: 'trigger',
  lane: 'cpu',
  description: 'Starts a run with the input given in the editor, the CLI (--input) or the API.',
  params: z.object({ fields: InputFieldsSchema }),
  starterParams: { fields: STARTER_FIELDS },
  ...fieldsTrigger,
});
