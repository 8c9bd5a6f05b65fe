// Confidence as a percentage with a bar; low confidence is called out.
export function ConfidenceMeter({ confidence }: { confidence: number }) {
  const percent = Math.round(confidence * 100);
  const level = confidence >= 0.75 ? 'high' : confidence >= 0.5 ? 'medium' : 'low';
  return (
    <div className={`confidence confidence-${level}`} data-testid="answer-confidence">
      <span className="confidence-label">Confidence {percent}%</span>
      <span className="confidence-bar">
        <span style={{ width: `${percent}%` }} />
      </span>
    </div>
  );
}
