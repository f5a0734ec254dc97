// router.ts - pages live in the URL's hash (#/apps/3/records/12), so a reload
// or a shared link opens the same page and the server serves one file.
import { useEffect, useState } from "preact/hooks";

export type Route =
  | { page: "portal" }
  | { page: "builder"; app: string }
  | { page: "list"; app: string; view?: string; params: string }
  | { page: "record"; app: string; id: string }
  | { page: "report"; app: string; id: string }
  | { page: "new"; app: string; from?: string; preset: Record<string, string> }
  | { page: "import"; app: string }
  | { page: "newFromCsv" }
  | { page: "admin" }
  | { page: "notfound" };

export function parse(hash: string): Route {
  const [path, qs] = hash.replace(/^#/, "").split("?");
  const q = new URLSearchParams(qs ?? "");
  const p = path.split("/").filter(Boolean);
  if (p.length === 0) return { page: "portal" };
  if (p[0] === "new-from-csv") return { page: "newFromCsv" };
  if (p[0] === "admin") return { page: "admin" };
  if (p[0] === "apps" && p[1]) {
    if (p.length === 2) return { page: "list", app: p[1], view: q.get("view") ?? undefined, params: qs ?? "" };
    if (p[2] === "settings") return { page: "builder", app: p[1] };
    // v.<code>=<value>: a field's value to start from (a calendar's day)
    if (p[2] === "new") return { page: "new", app: p[1], from: q.get("from") ?? undefined, preset: Object.fromEntries([...q].filter(([key]) => key.startsWith("v.")).map(([key, v]) => [key.slice(2), v])) };
    if (p[2] === "import") return { page: "import", app: p[1] };
    if (p[2] === "records" && p[3]) return { page: "record", app: p[1], id: p[3] };
    if (p[2] === "reports" && p[3]) return { page: "report", app: p[1], id: p[3] };
  }
  return { page: "notfound" };
}

// Something on the page that must not be left unsaved answers true.
let leaveGuard: (() => boolean) | null = null;
export const setLeaveGuard = (g: (() => boolean) | null) => (leaveGuard = g);

export function go(hash: string) {
  location.hash = hash;
}

export function useRoute(confirmLeave: (msg?: string) => boolean): Route {
  const [route, setRoute] = useState(parse(location.hash));
  useEffect(() => {
    let current = location.hash;
    const onHash = () => {
      if (leaveGuard?.() && !confirmLeave()) {
        history.replaceState(null, "", current); // stay
        return;
      }
      leaveGuard = null;
      current = location.hash;
      setRoute(parse(location.hash));
    };
    const onUnload = (e: BeforeUnloadEvent) => {
      if (leaveGuard?.()) e.preventDefault();
    };
    addEventListener("hashchange", onHash);
    addEventListener("beforeunload", onUnload);
    return () => {
      removeEventListener("hashchange", onHash);
      removeEventListener("beforeunload", onUnload);
    };
  }, []);
  return route;
}
