// A schedule trigger: its cron, time zone, the next five times it fires, and its switch.
import type { ScheduleTriggerView } from '../api/api-types.ts';
import { TriggerSwitch } from './trigger-switch.tsx';

export function ScheduleCard({
  trigger,
  onToggle,
}: {
  trigger: ScheduleTriggerView;
  onToggle(enabled: boolean): void;
}) {
  return (
    <article className="trigger-card" data-testid={`schedule-${trigger.nodeId}`}>
      <header className="section-head">
        <h4>Schedule · {trigger.nodeId}</h4>
        <TriggerSwitch id={trigger.nodeId} enabled={trigger.enabled} onToggle={onToggle} />
      </header>
      <dl>
        <dt>Cron</dt>
        <dd>
          <code data-testid="schedule-cron">{trigger.cron}</code> in {trigger.timezone}
        </dd>
        <dt>After downtime</dt>
        <dd>{trigger.missedTicks === 'skip' ? 'skips missed ticks' : 'runs once for missed ticks'}</dd>
        {trigger.lastFireAt ? (
          <>
            <dt>Last fired</dt>
            <dd>{new Date(trigger.lastFireAt).toLocaleString()}</dd>
          </>
        ) : null}
      </dl>
      <h5>Next five times{trigger.enabled ? '' : ' (while switched on)'}</h5>
      <ol className="fire-times" data-testid="schedule-next">
        {trigger.nextFireTimes.map((time) => (
          <li key={time}>
            {new Date(time).toLocaleString()} <span className="muted">{time}</span>
          </li>
        ))}
      </ol>
    </article>
  );
}
