// What the host running nodes knows about itself: settings (model server URLs, warehouse and data
// directories, index locations) and secrets (API keys, tokens). Built once at startup from the
// process environment overlaid with what the CLI and demo defaults chose, then handed down
// explicitly (runtime → transport → execute-job → ctx, or worker options → ctx), so nothing writes
// process.env to reach a node. Settings and secrets are kept apart by name so a node's code says
// which is which, and a host can log its settings without ever touching a secret.

import type { ConnectionLookup } from './connections.ts';

export type Lookup = (name: string) => string | undefined;

export interface HostSettings {
  /** Host settings such as R1FLOW_LLM_URL or R1FLOW_DATA_DIR; undefined when unset or empty. */
  setting: Lookup;
  /** Credentials such as R1FLOW_LLM_API_KEY or MILVUS_TOKEN; undefined when unset or empty. */
  secret: Lookup;
  /** Named connections (sealed in the store); hosts without a store have none. */
  connection?: ConnectionLookup;
}

export type SettingValues = Readonly<Record<string, string | undefined>>;

/**
 * Settings from `environment` with `overrides` (CLI flags, demo defaults) taking precedence;
 * secrets from `environment` only, as no flag or default ever carries a credential. Both objects
 * are read at each lookup, so `environment` may be `process.env` and a host may add an override
 * it learns later (the URL of a model server it starts). Empty strings count as unset, as a
 * shell's `VAR=` means "not configured".
 */
export function settingsFrom(environment: SettingValues, overrides: SettingValues = {}): HostSettings {
  return {
    setting: (name) => nonEmpty(overrides[name]) ?? nonEmpty(environment[name]),
    secret: (name) => nonEmpty(environment[name]),
  };
}

/** The same host with more settings on top (e.g. a runtime adding its store's path); secrets unchanged. */
export function withSettings(settings: HostSettings, overrides: SettingValues): HostSettings {
  return { ...settings, setting: (name) => nonEmpty(overrides[name]) ?? settings.setting(name) };
}

/** The process environment alone: the default wherever a host passes nothing. */
export const environmentSettings: HostSettings = settingsFrom(process.env);

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
