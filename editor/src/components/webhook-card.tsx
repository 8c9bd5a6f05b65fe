// A webhook trigger: where to POST, how it authenticates, a signed curl example to copy, the
// secret (masked until shown) and rotating it.
import { useState } from 'react';
import type { WebhookTriggerView } from '../api/api-types.ts';
import { CopyButton } from './copy-button.tsx';
import { TriggerSwitch } from './trigger-switch.tsx';

interface WebhookCardProps {
  trigger: WebhookTriggerView;
  onToggle(enabled: boolean): void;
  onRotate(): void;
}

export function WebhookCard({ trigger, onToggle, onRotate }: WebhookCardProps) {
  const [revealed, setRevealed] = useState(false);
  const curl =
    trigger.auth === 'hmac' && trigger.secret
      ? `R1FLOW_WEBHOOK_SECRET='${trigger.secret}'\n${trigger.curl}`
      : trigger.curl;
  return (
    <article className="trigger-card" data-testid={`webhook-${trigger.nodeId}`}>
      <header className="section-head">
        <h4>Webhook · {trigger.nodeId}</h4>
        <TriggerSwitch id={trigger.nodeId} enabled={trigger.enabled} onToggle={onToggle} />
      </header>
      <dl>
        <dt>URL</dt>
        <dd className="copy-row">
          <code data-testid="webhook-url">{trigger.url}</code>
          <CopyButton text={trigger.url} />
        </dd>
        <dt>Auth</dt>
        <dd data-testid="webhook-auth">
          {trigger.auth === 'hmac'
            ? 'HMAC: X-R1flow-Signature = sha256 of "<timestamp>.<body>", with X-R1flow-Timestamp'
            : 'Bearer token: Authorization: Bearer <token>'}
        </dd>
        <dt>Response</dt>
        <dd>{trigger.responseMode === 'sync' ? 'waits for the answer' : '202 with the run id'}</dd>
        <dt>Secret</dt>
        <dd className="copy-row">
          {trigger.secret ? (
            <>
              <code data-testid="webhook-secret">{revealed ? trigger.secret : '••••••••••••'}</code>
              <button type="button" className="small" onClick={() => setRevealed(!revealed)}>
                {revealed ? 'hide' : 'show'}
              </button>
            </>
          ) : (
            <span className="muted">shown once when created or rotated</span>
          )}
          <button type="button" className="small" onClick={onRotate} data-testid="rotate-secret">
            Rotate
          </button>
        </dd>
      </dl>
      <div className="section-head">
        <h5>Try it</h5>
        <CopyButton text={curl} label="Copy curl" testId="copy-curl" />
      </div>
      <pre className="curl" data-testid="webhook-curl">
        {trigger.curl}
      </pre>
    </article>
  );
}
