// ui/AppIcon.tsx - an app's icon: a pictogram on a colour, both chosen in the
// app's settings and kept as kintone's preset icon { type: "PRESET", key }
// with our key "<pictogram>.<colour>". A key from elsewhere (kintone's "APP72")
// still gets an icon of its own, picked from the key.
import { type LucideIcon, Baby, BookOpen, Briefcase, Building, CalendarDays, ChartColumn, ClipboardCheck, FileText, HeartPulse, House, Inbox, Leaf, Mail, ShieldCheck, Truck, Users, Wrench } from "lucide-preact";
import { t, type Key } from "../i18n";

export const PICTOGRAMS: Record<string, LucideIcon> = {
  file: FileText, clipboard: ClipboardCheck, calendar: CalendarDays, chart: ChartColumn, people: Users,
  building: Building, house: House, heart: HeartPulse, baby: Baby, shield: ShieldCheck, book: BookOpen,
  mail: Mail, inbox: Inbox, truck: Truck, tools: Wrench, leaf: Leaf, briefcase: Briefcase,
};
// Each at least 4.5:1 against white, for the pictogram drawn on it.
export const COLOURS: Record<string, string> = {
  blue: "#0b5cad", green: "#1a7f37", orange: "#b54708", red: "#b42318",
  purple: "#6d28d9", teal: "#0e7490", pink: "#be185d", grey: "#57606a",
};
export interface AppIconSetting { type: string; key?: string }

const pictoNames = Object.keys(PICTOGRAMS);
const colourNames = Object.keys(COLOURS);

export function iconParts(icon: AppIconSetting | null | undefined): { picto: string; colour: string } {
  const [picto, colour] = (icon?.key ?? "").split(".");
  if (PICTOGRAMS[picto] && COLOURS[colour]) return { picto, colour };
  if (!icon?.key || icon.key === "APP72") return { picto: "file", colour: "blue" }; // a new app's, as on kintone
  let h = 0;
  for (const c of icon?.key ?? "") h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return { picto: pictoNames[h % pictoNames.length], colour: colourNames[(h >>> 8) % colourNames.length] };
}

export function AppIcon({ icon, size = 40 }: { icon: AppIconSetting | null | undefined; size?: number }) {
  const { picto, colour } = iconParts(icon);
  const Picto = PICTOGRAMS[picto];
  return (
    <span class="app-icon" aria-hidden="true" style={{ background: COLOURS[colour], width: size, height: size }}>
      <Picto size={Math.round(size * 0.6)} />
    </span>
  );
}

// Two rows of choices in the app settings: the pictogram, then its colour.
export function IconPicker({ value, onChange }: { value: AppIconSetting | null | undefined; onChange: (v: AppIconSetting) => void }) {
  const { picto, colour } = iconParts(value);
  const set = (p: string, c: string) => onChange({ type: "PRESET", key: `${p}.${c}` });
  return (
    <>
      <fieldset class="icon-picker">
        <legend>{t("iconPicture")}</legend>
        {pictoNames.map((p) => {
          const Picto = PICTOGRAMS[p];
          return (
            <label class="icon-choice" title={t(("icon_" + p) as Key)}>
              <input type="radio" name="icon-picto" checked={p === picto} onChange={() => set(p, colour)} />
              <span class="swatch" aria-hidden="true" style={{ background: COLOURS[colour] }}><Picto size={22} /></span>
              <span class="visually-hidden">{t(("icon_" + p) as Key)}</span>
            </label>
          );
        })}
      </fieldset>
      <fieldset class="icon-picker">
        <legend>{t("iconColour")}</legend>
        {colourNames.map((c) => (
          <label class="icon-choice" title={t(("colour_" + c) as Key)}>
            <input type="radio" name="icon-colour" checked={c === colour} onChange={() => set(picto, c)} />
            <span class="swatch" aria-hidden="true" style={{ background: COLOURS[c] }} />
            <span class="visually-hidden">{t(("colour_" + c) as Key)}</span>
          </label>
        ))}
      </fieldset>
    </>
  );
}
