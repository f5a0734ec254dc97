// data.ts - what pages read of an app's deployed design, typed, from one
// place. Each read is shared for a short while, so a list and the record
// opened from it, or every related-records table of a page, ask once; this
// browser's own deploys forget the app at once (another's reach it within
// SHARED_MS). Records are never kept here: they change under everyone.
import { call, k, type AppRights, type FieldProp, type LayoutRow, type View } from "./api";

const SHARED_MS = 20_000;
const shared = new Map<string, { at: number; value: Promise<unknown> }>();

function read<T>(app: string, what: string, load: () => Promise<T>): Promise<T> {
  const key = `${app}:${what}`;
  const hit = shared.get(key);
  if (hit && Date.now() - hit.at < SHARED_MS) return hit.value as Promise<T>;
  const value = load();
  shared.set(key, { at: Date.now(), value });
  value.catch(() => shared.delete(key)); // a failure is not remembered
  return value;
}

// After this browser changed an app's design or rights.
export function forgetApp(app: string) {
  for (const key of shared.keys()) if (key.startsWith(`${app}:`)) shared.delete(key);
}

export interface AppSettingsLive { name: string; description: string; titleField?: { selectionMode: string; code: string }; icon?: { type: string; key?: string } }

export const appInfo = (app: string) => read(app, "app", () => call<{ appId: string; name: string }>("GET", k("/app.json"), { id: app }));
export const formFields = (app: string) => read(app, "fields", () => call<{ properties: Record<string, FieldProp> }>("GET", k("/app/form/fields.json"), { app }).then((r) => r.properties));
export const formLayout = (app: string) => read(app, "layout", () => call<{ layout: LayoutRow[] }>("GET", k("/app/form/layout.json"), { app }).then((r) => r.layout));
export const appViews = (app: string) => read(app, "views", () => call<{ views: Record<string, View> }>("GET", k("/app/views.json"), { app }).then((r) => r.views));
export const appSettings = (app: string) => read(app, "settings", () => call<AppSettingsLive>("GET", k("/app/settings.json"), { app }));
export interface ReportSettings { id: string; name: string; index: string; chartType: string; chartMode?: string; filterCond: string; groups: { code: string; per?: string }[]; aggregations: { type: string; code?: string }[] }
export const appReports = (app: string) => read(app, "reports", () => call<{ reports: Record<string, ReportSettings> }>("GET", k("/app/reports.json"), { app }).then((r) => r.reports));
export interface PrintItem { type: "TEXT" | "FIELD" | "IMAGE"; x: number; y: number; width: number; fontSize?: number; bold?: boolean; align?: "LEFT" | "CENTER" | "RIGHT"; text?: string; code?: string; label?: boolean; data?: string }
export interface PrintTemplate { id?: string; name: string; index: string; orientation: "PORTRAIT" | "LANDSCAPE"; items: PrintItem[] }
export const appPrintTemplates = (app: string) => read(app, "print", () => call<{ printTemplates: Record<string, PrintTemplate> }>("GET", k("/app/printTemplates.json"), { app }).then((r) => r.printTemplates));
export const appRights = (app: string) => read(app, "rights", () => call<AppRights>("GET", "/api/app/rights", { app }));

// Deploy the preview settings and wait for the outcome: null, or why it failed.
export async function deployApp(app: string): Promise<string | null> {
  try {
    await call("POST", k("/preview/app/deploy.json"), { apps: [{ app }] });
    for (;;) {
      const s = await call<{ apps: { status: string; message?: string }[] }>("GET", k("/preview/app/deploy.json"), { apps: [app] });
      const st = s.apps[0];
      if (st.status === "SUCCESS") return null;
      if (st.status !== "PROCESSING") return st.message || st.status;
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    forgetApp(app);
  }
}
