// How a connection's URL may be shown, and how its secrets are kept out of what r1flow says. URLs of
// warehouses, model servers and vector stores carry passwords in their userinfo (drivers also take
// them as query values), and drivers sometimes quote what they were given in their errors: every
// label, listing and error message that mentions a connection goes through here.

/** `scheme://user@host:port/path`: no password, no query; `fallback` when `url` does not parse. */
export function displayUrl(url: string, fallback = '(unparsable URL)'): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fallback;
  }
  const user = parsed.username ? `${parsed.username}@` : '';
  const port = parsed.port ? `:${parsed.port}` : '';
  const path = parsed.pathname === '/' ? '' : parsed.pathname;
  return `${parsed.protocol}//${user}${parsed.hostname}${port}${path}`;
}

/**
 * `text` with the whole URL, its password (raw and percent-decoded), its query values and its
 * fragment settings (an http connection's headers and hmac secret) of four characters or more replaced by `***`, longest first so no part of a secret is left behind.
 */
export function scrubSecrets(text: string, url: string): string {
  const secrets = new Set<string>([url]);
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      secrets.add(parsed.password);
      secrets.add(safeDecode(parsed.password));
    }
    for (const [, value] of parsed.searchParams) if (value.length >= 4) secrets.add(value);
    // An http connection's settings ride in the fragment: its headers and hmac secret.
    for (const [, value] of new URLSearchParams(parsed.hash.replace(/^#/, ''))) {
      if (value.length >= 4) secrets.add(value);
      // `Bearer <token>`: the credential alone, too.
      const credential = value.split(' ').slice(1).join(' ');
      if (credential.length >= 4) secrets.add(credential);
    }
  } catch {
    // A file path, or text that is not a URL: only the whole of it can be hidden.
  }
  let scrubbed = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret) scrubbed = scrubbed.split(secret).join('***');
  }
  return scrubbed;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
