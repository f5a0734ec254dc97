// fields/preview.tsx - a field as the form will show it, drawn in the builder:
// its input's look with the default value, without being an input (the card
// around it is what the builder's keyboard and mouse act on).
import type { FieldProp } from "../api";
import { t, type Key } from "../i18n";
import { optionList } from "./types";

const box = (text: string, cls = "", button?: string) => <span class={"pv-box " + cls} data-button={button}>{text}</span>;

export function FieldPreview({ f }: { f: FieldProp }) {
  const def = f.defaultValue;
  const opts = optionList(f);
  switch (f.type) {
    case "MULTI_LINE_TEXT":
    case "RICH_TEXT":
      return box(typeof def === "string" ? def.replace(/<[^>]*>/g, "") : "", "pv-area");
    case "NUMBER":
      return box([f.unitPosition !== "AFTER" && f.unit, def, f.unitPosition === "AFTER" && f.unit].filter(Boolean).join(" "), "pv-num");
    case "CALC":
      return box(`= ${f.expression ?? ""}`, "pv-calc");
    case "DATE":
      return box(f.defaultNowValue ? t("defaultToday") : def || "yyyy-mm-dd", "pv-date");
    case "TIME":
      return box(f.defaultNowValue ? t("defaultNow") : def || "--:--", "pv-date");
    case "DATETIME":
      return box(f.defaultNowValue ? t("defaultNow") : def || "yyyy-mm-dd --:--", "pv-date");
    case "DROP_DOWN":
      return box(def || "-----", "pv-select");
    case "RADIO_BUTTON":
    case "CHECK_BOX":
      return (
        <span class={"pv-choices" + (f.align === "VERTICAL" ? " vertical" : "")}>
          {opts.map((o) => (
            <span class="pv-choice">
              <span class={f.type === "RADIO_BUTTON" ? "pv-radio" : "pv-check"} data-on={(Array.isArray(def) ? def.includes(o) : def === o) || undefined} />{o}
            </span>
          ))}
        </span>
      );
    case "MULTI_SELECT":
      return <span class="pv-box pv-list">{opts.slice(0, 4).map((o) => <span>{o}</span>)}</span>;
    case "USER_SELECT":
    case "ORGANIZATION_SELECT":
    case "GROUP_SELECT":
      return box((Array.isArray(def) ? def : []).map((e: { code: string; type?: string }) => (e.type === "FUNCTION" ? t(e.code === "LOGINUSER()" ? "defaultLoginUser" : "defaultPrimaryOrg") : e.code)).join(", "), "pv-people");
    case "FILE":
      return <span class="pv-button">{t("attach")}</span>;
    case "SUBTABLE":
      return (
        <span class="pv-table">
          {Object.values(f.fields ?? {}).map((g) => <span class="pv-col">{(g as FieldProp).label}</span>)}
        </span>
      );
    case "REFERENCE_TABLE":
      return <span class="pv-table pv-ref">{t("ft_REFERENCE_TABLE" as Key)}</span>;
    default:
      return f.lookup ? box("", "pv-lookup", t("lookupGet")) : box(typeof def === "string" ? def : "");
  }
}
