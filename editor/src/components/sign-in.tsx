// The API wants a key (the server listens beyond loopback or runs with --require-key): trade one
// for an HttpOnly session cookie, which also authenticates the live run stream.
import { type FormEvent, useState } from 'react';
import { describeError } from '../api/http-client.ts';
import { signIn } from '../api/system-api.ts';
import { FieldShell } from '../forms/field-shell.tsx';
import { markSignInRequired } from '../state/connectivity-store.ts';
import { Modal } from './modal.tsx';

export function SignIn({ onSignedIn }: { onSignedIn(): void }) {
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await signIn(apiKey);
      markSignInRequired(false);
      onSignedIn();
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  return (
    <Modal
      title="Sign in to r1flow"
      testId="sign-in"
      onSubmit={submit}
      actions={
        <button type="submit" className="primary" disabled={apiKey === ''}>
          Sign in
        </button>
      }
    >
      <p>
        This server requires an API key. Create one with <code>r1flow keys create --name me</code>.
      </p>
      <FieldShell label="API key" htmlFor="api-key" issues={error ? [error] : []}>
        <input
          id="api-key"
          type="password"
          autoComplete="current-password"
          value={apiKey}
          onChange={(event) => setApiKey(event.target.value)}
          data-testid="sign-in-key"
        />
      </FieldShell>
    </Modal>
  );
}
