// The on/off switch of a webhook or schedule.
export function TriggerSwitch({
  id,
  enabled,
  onToggle,
}: {
  id: string;
  enabled: boolean;
  onToggle(enabled: boolean): void;
}) {
  return (
    <label className="switch">
      <input
        type="checkbox"
        role="switch"
        aria-checked={enabled}
        checked={enabled}
        onChange={(event) => onToggle(event.target.checked)}
        data-testid={`trigger-switch-${id}`}
      />
      {enabled ? 'on' : 'off'}
    </label>
  );
}
