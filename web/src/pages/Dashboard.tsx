// pages/Dashboard.tsx - graphs and views pinned to the portal (GET
// /api/dashboard): the administrators' tiles for everyone first, then the
// person's own. Each tile is live: a graph drawn from its numbers now, a view's
// number of records now with its newest few. What a tile shows is read
// through the same APIs as the graph and list pages, so under the reader's
// rights. The pin buttons of the graph and list pages are here too.
import { useEffect, useState } from "preact/hooks";
import { call, k, me, type KRecord } from "../api";
import { appReports, appViews } from "../data";
import { t } from "../i18n";
import { ErrorBox, explain, notify, withProgress } from "../ui/feedback";
import { loadApp } from "./RecordList";
import { ReportFigure, type ReportData } from "./ReportPage";
import { cardTitle, titleCodes } from "../views/cards";

interface Tile { id: string; scope: "everyone" | "mine"; kind: "report" | "view"; app: string; appName: string; ref: string; name: string; type: string }

const VIEW_SHOWN = 5; // a view tile's newest records

export function Dashboard() {
  const [tiles, setTiles] = useState<Tile[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => call<{ tiles: Tile[] }>("GET", "/api/dashboard").then((r) => { setTiles(r.tiles); setError(null); }).catch(setError);
  useEffect(() => void load(), []);
  const unpin = async (tile: Tile) => {
    try {
      await withProgress(call("DELETE", tile.scope === "mine" ? "/api/dashboard/tile" : "/api/dashboard/shared-tile", { id: tile.id }));
      notify(t("unpinned", { name: tile.name }));
      load();
    } catch (e) {
      notify(explain(e), "error");
    }
  };
  if (error) return <ErrorBox error={error} onRetry={load} />;
  if (!tiles) return null;
  return (
    <section class="portal-box dashboard" aria-labelledby="dash-head">
      <h2 id="dash-head">{t("dashboard")}</h2>
      {tiles.length === 0 && <p class="empty">{t("dashboardEmpty")}</p>}
      <ul class="tiles">
        {tiles.map((tile) => (
          <li class="tile" key={tile.id}>
            <div class="tile-head">
              <h3><a href={tile.kind === "report" ? `#/apps/${tile.app}/reports/${tile.ref}` : `#/apps/${tile.app}?view=${tile.ref}`}>{tile.name}</a></h3>
              <span class="muted small">{tile.appName}{tile.scope === "everyone" ? ` · ${t("forEveryone")}` : ""}</span>
              {(tile.scope === "mine" || me?.administrator) && (
                <button type="button" class="tile-remove" aria-label={`${t("unpin")}: ${tile.name}`} title={t("unpin")} onClick={() => unpin(tile)}>×</button>
              )}
            </div>
            {tile.kind === "report" ? <ReportTile tile={tile} /> : <ViewTile tile={tile} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

function ReportTile({ tile }: { tile: Tile }) {
  const [data, setData] = useState<ReportData | null>(null);
  const [filter, setFilter] = useState("");
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    Promise.all([call<ReportData>("GET", "/api/report/data", { app: tile.app, id: tile.ref }), appReports(tile.app)])
      .then(([d, reports]) => { setData(d); setFilter(Object.values(reports).find((r) => r.id === tile.ref)?.filterCond ?? ""); })
      .catch(setError);
  }, [tile.id]);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <p aria-busy="true">{t("loading")}</p>;
  return <ReportFigure appId={tile.app} name={tile.name} filter={filter} data={data} compact />;
}

function ViewTile({ tile }: { tile: Tile }) {
  const [got, setGot] = useState<{ total: number; records: KRecord[]; meta: Awaited<ReturnType<typeof loadApp>> } | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    (async () => {
      const [views, meta] = await Promise.all([appViews(tile.app), loadApp(tile.app)]);
      const view = Object.values(views).find((v) => v.id === tile.ref);
      const r = await call<{ records: KRecord[]; totalCount: string }>("GET", k("/records.json"), {
        app: tile.app, totalCount: true, fields: ["$id", ...titleCodes(meta)],
        query: `${view?.filterCond ?? ""} order by $id desc limit ${VIEW_SHOWN}`,
      });
      setGot({ total: Number(r.totalCount), records: r.records, meta });
    })().catch(setError);
  }, [tile.id]);
  if (error) return <ErrorBox error={error} />;
  if (!got) return <p aria-busy="true">{t("loading")}</p>;
  return (
    <div class="view-tile">
      <p class="big-number">{got.total.toLocaleString()}<span class="unit">{t("recordsUnit")}</span></p>
      <ul>
        {got.records.map((r) => <li><a href={`#/apps/${tile.app}/records/${r.$id.value}`}>{cardTitle(got.meta, r)}</a></li>)}
      </ul>
    </div>
  );
}

// "Show on my portal", and for administrators "on everyone's".
export function PinButtons({ appId, kind, refId }: { appId: string; kind: "report" | "view"; refId: string }) {
  const pin = async (everyone: boolean) => {
    try {
      await withProgress(call("POST", everyone ? "/api/dashboard/shared-tile" : "/api/dashboard/tile", { app: appId, kind, ref: refId }));
      notify(t(everyone ? "pinnedForEveryone" : "pinned"));
    } catch (e) {
      notify(explain(e), "error");
    }
  };
  return (
    <>
      <button type="button" onClick={() => pin(false)}>{t("pin")}</button>
      {me?.administrator && <button type="button" onClick={() => pin(true)}>{t("pinForEveryone")}</button>}
    </>
  );
}
