// A value as indented JSON, cut at a length a browser shows comfortably.
const LONGEST = 20_000;

export function JsonView({ value, testId }: { value: unknown; testId?: string }) {
  const text = value === undefined ? '(nothing)' : JSON.stringify(value, null, 2);
  const shown =
    text.length > LONGEST ? `${text.slice(0, LONGEST)}\n… (${text.length - LONGEST} more characters)` : text;
  return (
    <pre className="json-view" data-testid={testId}>
      {shown}
    </pre>
  );
}
