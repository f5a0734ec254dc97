// ui/listNav.ts - the list a record was opened from, so that its page can go
// to the previous and next record of that list and back to the list as it
// was (filter, sort, page). Kept per app in the tab's sessionStorage.
import { call, k, type KRecord } from "../api";

interface Came { where: string; pos: number; hash: string }
const key = (appId: string) => `tsumiki.list.${appId}`;

export function rememberList(appId: string, where: string, pos: number) {
  sessionStorage.setItem(key(appId), JSON.stringify({ where, pos, hash: location.hash } satisfies Came));
}

export function cameFrom(appId: string): Came | null {
  try {
    return JSON.parse(sessionStorage.getItem(key(appId)) ?? "null");
  } catch {
    return null;
  }
}

export interface Neighbours { prev?: string; next?: string; list: string }

// The records before and after `id` in the list it was opened from (its
// position is checked: a record the list no longer holds there has none).
export async function neighbours(appId: string, id: string): Promise<Neighbours | null> {
  const c = cameFrom(appId);
  if (!c) return null;
  const from = Math.max(0, c.pos - 1);
  const r = await call<{ records: KRecord[] }>("GET", k("/records.json"),
    { app: appId, query: `${c.where} limit 3 offset ${from}`, fields: ["$id"] });
  const ids = r.records.map((x) => String(x.$id.value));
  const at = ids.indexOf(id);
  if (at < 0) return { list: c.hash };
  return { prev: ids[at - 1], next: ids[at + 1], list: c.hash };
}

// Moving to a neighbour moves the remembered position with it.
export function stepList(appId: string, by: number) {
  const c = cameFrom(appId);
  if (c) sessionStorage.setItem(key(appId), JSON.stringify({ ...c, pos: Math.max(0, c.pos + by) }));
}
