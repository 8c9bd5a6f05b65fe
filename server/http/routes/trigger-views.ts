// How triggers look in the API: webhook URL, auth mode, secret and a signed curl example;
// schedules with their next five fire times and their latest recorded ticks.
import { nextFireTimes } from '../../../nodes/trigger/schedule.node.ts';
import type { ServerContext } from '../server-context.ts';

/** How many of a schedule's latest ticks (started or missed) the API shows. */
const RECENT_FIRES = 10;

export async function describeTriggers(context: ServerContext, flowId: string) {
  const triggers = await context.triggers.list({ flowId });
  return Promise.all(
    triggers.map(async (trigger) => {
      const base = {
        id: trigger.id,
        nodeId: trigger.nodeId,
        kind: trigger.kind,
        enabled: trigger.enabled,
        flowVersion: trigger.flowVersion,
      };
      if (trigger.kind === 'schedule') {
        return {
          ...base,
          cron: trigger.config.cron,
          timezone: trigger.config.timezone,
          missedTicks: trigger.config.missedTicks,
          lastFireAt: trigger.lastFireAt,
          nextFireTimes: nextFireTimes(trigger.config, new Date(), 5).map((d) => d.toISOString()),
          recentFires: (await context.triggers.listFires(trigger.id, RECENT_FIRES)).map((fire) => ({
            at: new Date(fire.fireAt).toISOString(),
            status: fire.status,
            runId: fire.runId,
          })),
        };
      }
      const url = `${context.options.publicUrl}/hooks/${trigger.config.path}`;
      const secret = trigger.config.auth === 'hmac' ? await context.triggers.hmacSecret(trigger.id) : null;
      return {
        ...base,
        url,
        auth: trigger.config.auth,
        responseMode: trigger.config.responseMode,
        secret,
        curl: curlExample(url, trigger.config.auth),
      };
    }),
  );
}

function curlExample(url: string, auth: 'hmac' | 'token'): string {
  const body = `'{"question": "How many customers do we have?"}'`;
  if (auth === 'token') {
    return `curl -sS -X POST ${url} -H 'Authorization: Bearer <token>' -H 'Content-Type: application/json' -d ${body}`;
  }
  return [
    `BODY=${body}; TS=$(date +%s)`,
    `SIG=$(printf '%s.%s' "$TS" "$BODY" | openssl dgst -sha256 -hmac "$R1FLOW_WEBHOOK_SECRET" | sed 's/^.* //')`,
    `curl -sS -X POST ${url} -H "X-R1flow-Timestamp: $TS" -H "X-R1flow-Signature: sha256=$SIG" -H 'Content-Type: application/json' -d "$BODY"`,
  ].join('\n');
}
