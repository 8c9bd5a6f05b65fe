import { afterEach, describe, expect, it } from 'vitest';
import { answerToCsv } from '../../../server/http/answer-csv.ts';
import { flowOf } from '../../support/engine-harness.ts';
import type { ServerHarness } from '../../support/server-harness.ts';
import { startTestServer } from '../../support/server-harness.ts';

describe('answerToCsv', () => {
  it('writes a header row and CRLF lines; quotes fields with comma, quote, CR or LF and doubles quotes', () => {
    const csv = answerToCsv({
      columns: ['name', 'note, with comma'],
      rows: [
        ['plain', 'say "hi"'],
        ['two\nlines', 'cr\rhere'],
        [42, null],
        [true, ''],
      ],
    });
    expect(csv).toBe(
      'name,"note, with comma"\r\n' +
        'plain,"say ""hi"""\r\n' +
        '"two\nlines","cr\rhere"\r\n' +
        '42,\r\n' +
        'true,\r\n',
    );
  });

  it('prefixes text cells a spreadsheet would run as a formula with a single quote; numbers stay numbers', () => {
    const csv = answerToCsv({
      columns: ['=header'],
      rows: [
        ['=SUM(A1:A2)'],
        ['+1'],
        ['-2'],
        ['@cmd'],
        ['\tx'],
        ['\r=1'],
        [-3],
        ['a=b'],
        ['=HYPERLINK("x","y")'],
      ],
    });
    expect(csv.split('\r\n').slice(0, -1)).toEqual([
      "'=header",
      "'=SUM(A1:A2)",
      "'+1",
      "'-2",
      "'@cmd",
      "'\tx",
      `"'\r=1"`,
      '-3',
      'a=b',
      `"'=HYPERLINK(""x"",""y"")"`,
    ]);
  });
});

let h: ServerHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function tableFlow(id: string, table: Record<string, unknown>) {
  return flowOf(
    {
      t: ['trigger.manual', { fields: [{ name: 'q' }] }],
      table: ['test.table', table],
      out: ['output.answer'],
    },
    ['t.payload->table.in', 't.q->out.question', 'table.rows->out.rows', 'table.sql->out.sql'],
    id,
  );
}

async function finishedRun(server: ServerHarness, flow: ReturnType<typeof flowOf>, key?: string) {
  const auth = key ? { key } : {};
  expect((await server.api('/api/flows', { method: 'POST', json: flow, ...auth })).status).toBe(201);
  const started = await server.api(`/api/flows/${flow.id}/runs?wait=10s`, {
    method: 'POST',
    json: { input: { q: 'Which singers?' } },
    ...auth,
  });
  expect(started.body.run.status).toBe('succeeded');
  return started.body.run.id as string;
}

describe('GET /api/runs/:id/answer.csv', () => {
  it("downloads a run's answer rows as CSV, quoted and defused", async () => {
    h = await startTestServer();
    const runId = await finishedRun(
      h,
      tableFlow('singers', {
        sql: 'SELECT name, note FROM singer',
        columns: ['name', 'note'],
        rows: [
          ['Joe, Jr.', 'says "hi"'],
          ['Ann', '=cmd|calc'],
        ],
      }),
    );
    const response = await fetch(`${h.url}/api/runs/${runId}/answer.csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${runId}.csv"`);
    expect(await response.text()).toBe('name,note\r\n"Joe, Jr.","says ""hi"""\r\nAnn,\'=cmd|calc\r\n');
  });

  it('404 with RUN_NOT_FOUND for an unknown run', async () => {
    h = await startTestServer();
    const response = await h.api('/api/runs/run_nope/answer.csv');
    expect(response.status).toBe(404);
    expect(response.body.error).toEqual({ code: 'RUN_NOT_FOUND', message: 'no run "run_nope"' });
  });

  it('409 with RUN_NO_ANSWER when the run abstained, emits no answer, or has not finished', async () => {
    h = await startTestServer();
    const abstained = await finishedRun(h, tableFlow('no-sql', { columns: ['x'], rows: [[1]] }));
    const response = await h.api(`/api/runs/${abstained}/answer.csv`);
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('RUN_NO_ANSWER');
    expect(response.body.error.message).toContain('abstained');

    const plain = flowOf({ t: ['trigger.manual'], s: ['test.step'] }, ['t.payload->s.in'], 'plain');
    const noAnswer = await h.api(`/api/runs/${await finishedRun(h, plain)}/answer.csv`);
    expect(noAnswer.status).toBe(409);
    expect(noAnswer.body.error.message).toContain('emits none');

    const slow = flowOf(
      { t: ['trigger.manual'], s: ['test.step', { sleepMs: 60_000 }] },
      ['t.payload->s.in'],
      'slow',
    );
    await h.api('/api/flows', { method: 'POST', json: slow });
    const started = await h.api('/api/flows/slow/runs', { method: 'POST', json: { input: {} } });
    const running = await h.api(`/api/runs/${started.body.run.id}/answer.csv`);
    expect(running.status).toBe(409);
    expect(running.body.error.message).toMatch(/it is (queued|running)/);
    await h.api(`/api/runs/${started.body.run.id}/cancel`, { method: 'POST' });
  });

  it('needs an API key when keys are required', async () => {
    h = await startTestServer({ requireKey: true });
    const { key } = await h.server.context.apiKeys.create('ci');
    const runId = await finishedRun(
      h,
      tableFlow('keyed', { sql: 'SELECT 1', columns: ['one'], rows: [[1]] }),
      key,
    );
    const refused = await h.api(`/api/runs/${runId}/answer.csv`);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('AUTH_REQUIRED');
    const allowed = await h.api(`/api/runs/${runId}/answer.csv`, { key });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toBe('one\r\n1\r\n');
  });
});
