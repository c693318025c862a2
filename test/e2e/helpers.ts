import { expect } from '@playwright/test';
import type { APIRequestContext, Page } from '@playwright/test';

export const ADMIN = { username: 'admin', password: 'e2e-admin-password-1' };
export const VIEWER = { username: 'viewer1', password: 'e2e-viewer-password-1' };

export async function signIn(page: Page, who: { username: string; password: string }): Promise<void> {
  await page.goto('/');
  await expect(page.getByTestId('login-form')).toBeVisible();
  await page.getByTestId('login-username').fill(who.username);
  await page.getByTestId('login-password').fill(who.password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('user-badge')).toContainText(who.username);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected');
}

export async function tokenOf(page: Page): Promise<string> {
  const token = await page.evaluate(() =>
    (globalThis as unknown as BrowserWindow).localStorage.getItem('truss.token'),
  );
  expect(token).toBeTruthy();
  return token!;
}

/** The HTTP form of the API, to check what the server itself says (not what the UI shows). */
export async function apiCall(
  request: APIRequestContext,
  token: string | null,
  method: string,
  params: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await request.post(`/api/call/${method}`, {
    data: params,
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  return { status: res.status(), body: await res.json() };
}

export type SnapshotLite = {
  devices: Array<{ id: string; name: string }>;
  entities: Array<{
    id: string;
    deviceId: string;
    kind: string;
    deviceClass: string | null;
    writable: boolean;
  }>;
  states: Record<string, { value: unknown; source: string; ts: number }>;
};

export async function snapshot(request: APIRequestContext, token: string): Promise<SnapshotLite> {
  const r = await apiCall(request, token, 'site.snapshot', {});
  expect(r.status).toBe(200);
  return unwrap(r.body) as SnapshotLite;
}

/** Accepts either the bare result or an { ok, result } envelope from the HTTP transport. */
export function unwrap(body: unknown): unknown {
  if (body && typeof body === 'object' && 'result' in body) return (body as { result: unknown }).result;
  return body;
}

/**
 * The few browser globals the specs touch inside page.evaluate: the node-side tsconfig has no DOM
 * lib, and pulling it in for the whole program would blur the layer rules.
 */
export type BrowserWindow = {
  localStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void };
};
export type CanvasLike = {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
  } | null;
};
