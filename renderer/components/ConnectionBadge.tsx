export function ConnectionBadge({ connected }: { connected: boolean }) {
  return (
    <span
      className={`conn ${connected ? 'conn-ok' : 'conn-lost'}`}
      data-testid="connection-state"
      data-state={connected ? 'connected' : 'reconnecting'}
      role="status"
      aria-live="polite"
    >
      <span className="dot" aria-hidden="true" />
      {connected ? 'Connected' : 'Reconnecting…'}
    </span>
  );
}
