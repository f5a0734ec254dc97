// api.ts - the REST API as the browser uses it: the same kintone endpoints the
// official client calls, with the session cookie and the request token.
export interface KintoneError {
  status: number;
  code: string;
  message: string;
  id?: string;
  errors?: Record<string, { messages: string[] }>;
}

export class ApiError extends Error implements KintoneError {
  status: number;
  code: string;
  id?: string;
  errors?: Record<string, { messages: string[] }>;
  constructor(e: KintoneError) {
    super(e.message);
    this.status = e.status;
    this.code = e.code;
    this.id = e.id;
    this.errors = e.errors;
  }
}

let requestToken = "";
export const setRequestToken = (t: string) => (requestToken = t);
// Who is signed in (set by the shell), for pages that show "yours".
export let me: Session["user"] | null = null;
export const setMe = (u: Session["user"] | null) => (me = u);
// Called when the server says the session is gone, so the shell can show the login page.
let onUnauthorized: () => void = () => {};
export const setOnUnauthorized = (f: () => void) => (onUnauthorized = f);

type Method = "GET" | "POST" | "PUT" | "DELETE";

// Calls a kintone-style endpoint. GET parameters go in the query string as
// kintone's bracket notation; writes carry __REQUEST_TOKEN__ in the body.
export async function call<T = any>(method: Method, path: string, params: Record<string, unknown> = {}, signal?: AbortSignal): Promise<T> {
  const lang = document.documentElement.lang || "ja";
  const headers: Record<string, string> = { "X-Requested-With": "XMLHttpRequest", "Accept-Language": lang };
  let url = path;
  let body: string | undefined;
  if (method === "GET") {
    const q = toQuery(params);
    if (q) url += "?" + q;
  } else {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify({ ...params, __REQUEST_TOKEN__: requestToken });
  }
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body, credentials: "same-origin", signal });
  } catch {
    throw new ApiError({ status: 0, code: "NETWORK", message: "" });
  }
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (res.status === 401 && path !== "/api/session" && path !== "/api/login") onUnauthorized();
  if (!res.ok) throw new ApiError({ status: res.status, code: json?.code ?? String(res.status), message: json?.message ?? text, id: json?.id, errors: json?.errors });
  return json as T;
}

function toQuery(params: Record<string, unknown>): string {
  const parts: string[] = [];
  const add = (k: string, v: unknown) => {
    if (v === undefined || v === null) return;
    if (Array.isArray(v)) v.forEach((x, i) => add(`${k}[${i}]`, x));
    else if (typeof v === "object") for (const [kk, vv] of Object.entries(v as object)) add(`${k}.${kk}`, vv);
    else parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(String(v)));
  };
  for (const [k, v] of Object.entries(params)) add(k, v);
  return parts.join("&");
}

export const k = (p: string) => "/k/v1" + p;

// --- the shapes the UI reads (KINTONE-API.md)
export interface Session {
  user: { code: string; name: string; language?: string; administrator?: boolean; primaryOrganization?: { code: string; name: string } | null };
  requestToken: string;
}
// What the signed-in person may do with the app and each field (the server
// checks every call; the UI only offers what will work). BY_RECORD: a field of
// the record decides, see records/acl/evaluate.json.
export type FieldLevel = "NONE" | "READ" | "WRITE" | "BY_RECORD";
export interface AppRights {
  app: { view: boolean; add: boolean; edit: boolean; delete: boolean; import: boolean; export: boolean; manage: boolean };
  fields: Record<string, FieldLevel>;
  byRecord: boolean;
}
export interface AppInfo {
  appId: string;
  name: string;
  description: string;
  creator: { code: string; name: string };
  modifiedAt: string;
}
export interface FieldProp {
  type: string;
  code: string;
  label: string;
  noLabel?: boolean;
  required?: boolean;
  unique?: boolean;
  defaultValue?: any;
  defaultNowValue?: boolean;
  options?: Record<string, { label: string; index: string | number }>;
  minValue?: string;
  maxValue?: string;
  minLength?: string;
  maxLength?: string;
  digit?: boolean;
  displayScale?: string;
  unit?: string;
  unitPosition?: "BEFORE" | "AFTER";
  align?: "HORIZONTAL" | "VERTICAL";
  protocol?: string;
  [k: string]: any;
}
export interface LayoutRow {
  type: "ROW" | "SUBTABLE" | "GROUP";
  code?: string; // SUBTABLE, GROUP
  layout?: LayoutRow[]; // GROUP: its rows
  fields: { type: string; code?: string; label?: string; elementId?: string; size?: { width?: string } }[];
}
export interface View {
  type: string;
  name: string;
  id?: string;
  index: string | number;
  fields?: string[];
  columnWidths?: Record<string, number>; // ours: pixels per column code
  date?: string; title?: string; // CALENDAR: the date field, the field naming each record
  group?: string; // KANBAN (ours): the drop-down, radio button or status the columns are
  image?: string; // GALLERY (ours): the attachment field whose first picture a card shows
  filterCond: string;
  sort: string;
}
export type KRecord = Record<string, { type: string; value: any }>;

// An upload with progress (fetch cannot report it): the answer as JSON, or an ApiError.
function send(xhr: XMLHttpRequest, body: XMLHttpRequestBodyInit, onProgress?: (sent: number, total: number) => void): Promise<any> {
  return new Promise((resolve, reject) => {
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.setRequestHeader("Accept-Language", document.documentElement.lang || "ja");
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.total);
    xhr.onerror = () => reject(new ApiError({ status: 0, code: "NETWORK", message: "" }));
    xhr.onload = () => {
      let json: any = null;
      try {
        json = JSON.parse(xhr.responseText);
      } catch {
        json = null;
      }
      if (xhr.status === 401) onUnauthorized();
      if (xhr.status >= 200 && xhr.status < 300) resolve(json);
      else reject(new ApiError({ status: xhr.status, code: json?.code ?? String(xhr.status), message: json?.message ?? xhr.responseText, id: json?.id, errors: json?.errors }));
    };
    xhr.send(body);
  });
}

// Sends a file as the raw body (our /api/import), with upload progress; the
// parameters, request token included, go in the query string.
export function upload<T = any>(path: string, params: Record<string, unknown>, file: Blob, onProgress?: (sent: number, total: number) => void): Promise<T> {
  const xhr = new XMLHttpRequest();
  xhr.open("POST", path + "?" + toQuery({ ...params, __REQUEST_TOKEN__: requestToken }));
  xhr.setRequestHeader("Content-Type", "text/csv");
  return send(xhr, file, onProgress);
}

// file.json: one file as multipart/form-data (the token as a form field, as the
// kintone client sends it), with upload progress. Resolves to the upload key.
export async function uploadFile(file: File, onProgress?: (sent: number, total: number) => void): Promise<string> {
  const form = new FormData();
  form.append("__REQUEST_TOKEN__", requestToken);
  form.append("file", file, file.name);
  const xhr = new XMLHttpRequest();
  xhr.open("POST", k("/file.json"));
  return (await send(xhr, form, onProgress)).fileKey;
}

// A string as a query literal: in double quotes, with \ and " escaped.
export const qstr = (s: string) => '"' + String(s).replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';

