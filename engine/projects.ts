// Projects group flows (and so their runs); a user's role is given per project. A flow names its
// project in its document; one that names none belongs to `default`.

export const DEFAULT_PROJECT = 'default';

/** Lower-case, so `Sales` and `sales` cannot become two projects. */
export const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function projectOf(document: { project?: string | undefined }): string {
  return document.project ?? DEFAULT_PROJECT;
}
