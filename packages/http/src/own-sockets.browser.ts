// Browser twin of own-sockets.ts (ADR 0017): a page has no sockets of its own to open.
export function markDirectClient(): void {}

export function mayOpenOwnSockets(): undefined {
  return undefined;
}
