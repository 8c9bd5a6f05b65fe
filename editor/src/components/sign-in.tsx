// The API wants credentials (the server listens beyond loopback or runs with --require-key): sign
// in as a user (name and password) or with an API key, for an HttpOnly session cookie, which also
// authenticates the live run stream.
import { type FormEvent, useState } from 'react';
import { describeError } from '../api/http-client.ts';
import { signIn } from '../api/system-api.ts';
import { FieldShell } from '../forms/field-shell.tsx';
import { markSignInRequired } from '../state/connectivity-store.ts';
import { Modal } from './modal.tsx';

export function SignIn({ onSignedIn }: { onSignedIn(): void }) {
  const [withKey, setWithKey] = useState(false);
  const [name, setName] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await signIn(withKey ? { apiKey: secret } : { name, password: secret });
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
        <>
          <button
            type="button"
            className="link"
            onClick={() => setWithKey(!withKey)}
            data-testid="sign-in-mode"
          >
            {withKey ? 'Sign in with a user name' : 'Use an API key instead'}
          </button>
          <button type="submit" className="primary" disabled={secret === '' || (!withKey && name === '')}>
            Sign in
          </button>
        </>
      }
    >
      <p>
        {withKey ? (
          <>
            Create a key with <code>r1flow keys create --user NAME</code>.
          </>
        ) : (
          <>
            The first start printed the admin's password; an admin adds users with{' '}
            <code>r1flow users add NAME --role runner</code>.
          </>
        )}
      </p>
      {withKey ? null : (
        <FieldShell label="User name" htmlFor="sign-in-name" issues={[]}>
          <input
            id="sign-in-name"
            autoComplete="username"
            value={name}
            onChange={(event) => setName(event.target.value)}
            data-testid="sign-in-name"
          />
        </FieldShell>
      )}
      <FieldShell
        label={withKey ? 'API key' : 'Password'}
        htmlFor="sign-in-secret"
        issues={error ? [error] : []}
      >
        <input
          id="sign-in-secret"
          type="password"
          autoComplete="current-password"
          value={secret}
          onChange={(event) => setSecret(event.target.value)}
          data-testid={withKey ? 'sign-in-key' : 'sign-in-password'}
        />
      </FieldShell>
    </Modal>
  );
}
