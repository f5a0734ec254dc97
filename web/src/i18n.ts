// i18n.ts - every word the UI shows, in Japanese and English. The language is
// the user's choice, kept in the browser; the first time, the browser's own.
import { useEffect, useState } from "preact/hooks";

export type Lang = "ja" | "en";

const ja = {
  appTitle: "Tsumiki",
  login: "ログイン", logout: "ログアウト", loginName: "ログイン名", password: "パスワード",
  loginFailed: "ログイン名またはパスワードが正しくありません。",
  loggingIn: "ログインしています…",
  language: "言語", portal: "ポータル", apps: "アプリ", searchApps: "アプリを名前で検索",
  noApps: "アプリはまだありません。「アプリを作成」から始めましょう。",
  noAppsMatch: "一致するアプリはありません。",
  createApp: "アプリを作成", newAppName: "新しいアプリ", creating: "作成しています…",
  loading: "読み込んでいます…", saving: "保存しています…", saved: "保存しました",
  cancel: "キャンセル", close: "閉じる", ok: "OK", save: "保存", remove: "削除", edit: "編集",
  confirmTitle: "確認",
  builder: "アプリの設定", form: "フォーム", views: "一覧", appSettings: "アプリ名とアイコン",
  palette: "パーツ", paletteHint: "パーツをフォームへドラッグするか、クリックして追加します。",
  formEmpty: "左のパーツをここへドラッグしてください。",
  fieldSettings: "フィールドの設定", fieldName: "フィールド名", fieldCode: "フィールドコード",
  required: "必須項目にする", unique: "値の重複を禁止する", defaultValue: "初期値",
  options: "選択肢", addOption: "選択肢を追加", moveUp: "上へ", moveDown: "下へ",
  minValue: "最小値", maxValue: "最大値", minLength: "最小文字数", maxLength: "最大文字数",
  unit: "単位記号", unitPosition: "単位記号の位置", unitBefore: "値の前", unitAfter: "値の後", digit: "桁区切りを表示する",
  defaultToday: "レコード作成日を初期値にする", defaultNow: "レコード作成日時を初期値にする",
  hideLabel: "フィールド名を表示しない",
  saveForm: "フォームを保存", updateApp: "アプリを更新", updating: "アプリを更新しています…",
  appUpdated: "アプリを更新しました。", deployFailed: "アプリを更新できませんでした",
  unsavedBuilder: "保存していない変更があります。",
  appName: "アプリ名", description: "説明", icon: "アイコン",
  viewName: "一覧名", columns: "表示するフィールド", filter: "絞り込み", sort: "ソート",
  addView: "一覧を追加", allRecords: "すべてのレコード", ascending: "昇順", descending: "降順", sortOrder: "並び順",
  records: "レコード", addRecord: "レコードを追加", keyword: "キーワード", search: "検索",
  prevPage: "前へ", nextPage: "次へ", pageRange: "{from}〜{to} 件目",
  noRecords: "レコードはありません。", selectAll: "すべて選択",
  deleteSelected: "選択したレコードを削除", deleteConfirm: "{n} 件のレコードを削除します。元に戻せません。",
  deleted: "削除しました", filterBuilder: "条件で絞り込む", addCondition: "条件を追加",
  matchAll: "すべての条件を満たす", matchAny: "いずれかの条件を満たす", apply: "適用", clear: "クリア",
  record: "レコード", recordNew: "レコードの追加", duplicate: "再利用", del: "削除",
  recordSaved: "保存しました", recordDeleted: "レコードを削除しました。",
  unsavedRecord: "保存していない変更があります。このページを離れますか?",
  comments: "コメント", writeComment: "コメントを書く", post: "投稿", mention: "宛先を追加",
  noComments: "コメントはありません。", history: "変更履歴", restore: "このバージョンに戻す",
  restoreConfirm: "レコードをこのバージョンの内容に戻します。",
  restored: "戻しました", created: "作成", updated: "更新", changedFrom: "{field}: 「{from}」→「{to}」",
  errorsBelow: "入力内容を確認してください。", networkError: "サーバーに接続できません。ネットワークを確認して、もう一度お試しください。",
  sessionExpired: "ログインの有効期限が切れました。もう一度ログインしてください。",
  notFound: "ページが見つかりません。", backToPortal: "ポータルへ戻る",
  errorId: "エラー ID", retry: "もう一度試す",
  today: "今日", thisMonth: "今月", lastMonth: "先月", thisYear: "今年", loginUser: "ログインユーザー",
  op_eq: "=", op_ne: "≠", op_lt: "<", op_gt: ">", op_le: "≦", op_ge: "≧",
  op_in: "次のいずれかを含む", op_notin: "次のいずれも含まない", op_like: "次のキーワードを含む", op_notlike: "次のキーワードを含まない",
  op_empty: "空である", op_notempty: "空でない",
  value: "値", field: "フィールド", operator: "条件",
  ft_SINGLE_LINE_TEXT: "文字列(1行)", ft_MULTI_LINE_TEXT: "文字列(複数行)", ft_RICH_TEXT: "リッチエディター",
  ft_NUMBER: "数値", ft_DATE: "日付", ft_TIME: "時刻", ft_DATETIME: "日時", ft_DROP_DOWN: "ドロップダウン",
  ft_RADIO_BUTTON: "ラジオボタン", ft_CHECK_BOX: "チェックボックス", ft_MULTI_SELECT: "複数選択",
  ft_USER_SELECT: "ユーザー選択", ft_LINK: "リンク", ft_LABEL: "ラベル", ft_SPACER: "スペース", ft_HR: "罫線",
  ft_RECORD_NUMBER: "レコード番号", ft_CREATOR: "作成者", ft_CREATED_TIME: "作成日時",
  ft_MODIFIER: "更新者", ft_UPDATED_TIME: "更新日時",
  ft_CALC: "計算", expression: "計算式", autoCalc: "自動計算する", calcFormat: "表示形式",
  fmt_NUMBER: "数値", fmt_NUMBER_DIGIT: "数値（桁区切り）", fmt_DATETIME: "日時", fmt_DATE: "日付", fmt_TIME: "時刻",
  fmt_HOUR_MINUTE: "時間（時:分）", fmt_DAY_HOUR_MINUTE: "時間（日時:分）",
  expressionHint: "例: 単価 * 数量、SUM(小計)、IF(金額 > 10000, \"要承認\", \"\")。フィールドはフィールドコードで書きます。",
  calculatedOnSave: "保存すると計算されます",
  precision: "計算の精度", precisionHint: "計算フィールドの割り算の結果は、小数部をこの桁数に丸めます。",
  precisionDigits: "全体の桁数", precisionPlaces: "小数部の桁数", precisionRounding: "丸め方",
  roundHalfEven: "最近接偶数への丸め", roundUp: "切り上げ", roundDown: "切り捨て",
  ft_FILE: "添付ファイル", ft_SUBTABLE: "テーブル", ft_LOOKUP: "ルックアップ", ft_REFERENCE_TABLE: "関連レコード一覧",
  attach: "ファイルを添付", download: "ダウンロード",
  addRow: "行を追加", removeRow: "この行を削除", rowN: "{n}行目", noRows: "行はありません。",
  innerFields: "テーブルのフィールド", addInnerField: "フィールドを追加",
  optionsComma: "選択肢（カンマ区切り）",
  lookupGet: "取得", lookupPick: "選ぶ", lookupClear: "クリア", lookupTitle: "{app}から選ぶ",
  lookupSource: "参照するアプリ", lookupKey: "キーにするフィールド", lookupCopies: "ほかのフィールドへのコピー",
  lookupCopyTo: "コピー先", lookupCopyFrom: "コピー元", addCopy: "コピーを追加",
  lookupPickerFields: "選ぶときに表示するフィールド", lookupAutoRefresh: "参照先のレコードが変わったら、コピーした値も更新する",
  lookupNotFound: "「{v}」は参照先のアプリに見つかりません。", lookupCopied: "{app}から取得しました。",
  chooseApp: "アプリを選んでください", chooseField: "フィールドを選んでください",
  refApp: "表示するレコードのアプリ", refCondition: "表示するレコードの条件", refThisField: "このアプリのフィールド",
  refOtherField: "相手のアプリのフィールド", refDisplay: "表示するフィールド", refSize: "一度に表示する件数",
  refFilter: "さらに絞り込む条件（任意）", refSortField: "並び順のフィールド",
  refNone: "関連するレコードはありません。", refShowAll: "すべて表示",
  settingsIncomplete: "設定が足りません: {what}",
  importCsv: "CSVから読み込む", chooseFile: "ファイルを選ぶ", encoding: "文字コード", encodingAuto: "自動判定",
  importHint: "1行目の見出しをフィールド名またはフィールドコードに合わせます。列ごとに読み込み先を変えられます。",
  columnTo: "読み込み先", notImported: "(読み込まない)", preview: "プレビュー(先頭10行)",
  updateBy: "このフィールドの値が一致するレコードは更新する", noUpdate: "(すべて追加する)",
  skipBad: "問題のある行を飛ばして、ほかの行を読み込む", startImport: "読み込む",
  uploading: "送信しています… {pct}%", processing: "読み込んでいます…(大きなファイルは1分ほどかかります)",
  importDone: "{rows} 行を読み込みました: 追加 {added} 件、更新 {updated} 件、スキップ {skipped} 件",
  importFailed: "問題のある行があるため、何も読み込みませんでした。下の一覧を直して、もう一度読み込んでください。",
  problems: "問題のある行", row: "行", column: "列", reason: "理由", downloadReport: "問題の一覧をダウンロード(CSV)",
  detected: "文字コード: {enc}",
  appFromCsv: "CSVからアプリを作成", appFromCsvHint: "ファイルの列からフィールドを作ります。種類や名前を確かめてから作成してください。",
  include: "使う", fieldType: "フィールドの種類", valuesSeen: "値の例", createAndImport: "アプリを作成して読み込む",
  creatingApp: "アプリを作成しています…", openApp: "アプリを開く", exportCsv: "CSVに書き出す",
};
export type Key = keyof typeof ja;

const en: Record<Key, string> = {
  appTitle: "Tsumiki",
  login: "Log in", logout: "Log out", loginName: "Login name", password: "Password",
  loginFailed: "The login name or password is not correct.",
  loggingIn: "Logging in…",
  language: "Language", portal: "Portal", apps: "Apps", searchApps: "Search apps by name",
  noApps: "There are no apps yet. Start with “Create app”.",
  noAppsMatch: "No app matches.",
  createApp: "Create app", newAppName: "New app", creating: "Creating…",
  loading: "Loading…", saving: "Saving…", saved: "Saved",
  cancel: "Cancel", close: "Close", ok: "OK", save: "Save", remove: "Remove", edit: "Edit",
  confirmTitle: "Please confirm",
  builder: "App settings", form: "Form", views: "Views", appSettings: "Name and icon",
  palette: "Fields", paletteHint: "Drag a field onto the form, or click it to add it.",
  formEmpty: "Drag fields from the left onto this area.",
  fieldSettings: "Field settings", fieldName: "Field name", fieldCode: "Field code",
  required: "Required field", unique: "Prohibit duplicate values", defaultValue: "Default value",
  options: "Options", addOption: "Add option", moveUp: "Move up", moveDown: "Move down",
  minValue: "Minimum", maxValue: "Maximum", minLength: "Minimum length", maxLength: "Maximum length",
  unit: "Unit", unitPosition: "Unit position", unitBefore: "Before the value", unitAfter: "After the value", digit: "Show thousands separators",
  defaultToday: "Default to the day the record is created", defaultNow: "Default to the time the record is created",
  hideLabel: "Hide the field name",
  saveForm: "Save form", updateApp: "Update app", updating: "Updating the app…",
  appUpdated: "The app was updated.", deployFailed: "The app could not be updated",
  unsavedBuilder: "There are unsaved changes.",
  appName: "App name", description: "Description", icon: "Icon",
  viewName: "View name", columns: "Columns", filter: "Filter", sort: "Sort",
  addView: "Add view", allRecords: "All records", ascending: "Ascending", descending: "Descending", sortOrder: "Order",
  records: "Records", addRecord: "Add record", keyword: "Keyword", search: "Search",
  prevPage: "Previous", nextPage: "Next", pageRange: "Records {from}–{to}",
  noRecords: "No records.", selectAll: "Select all",
  deleteSelected: "Delete selected records", deleteConfirm: "{n} records will be deleted. This cannot be undone.",
  deleted: "Deleted", filterBuilder: "Filter", addCondition: "Add condition",
  matchAll: "Match all conditions", matchAny: "Match any condition", apply: "Apply", clear: "Clear",
  record: "Record", recordNew: "New record", duplicate: "Duplicate", del: "Delete",
  recordSaved: "Saved", recordDeleted: "The record was deleted.",
  unsavedRecord: "There are unsaved changes. Leave this page?",
  comments: "Comments", writeComment: "Write a comment", post: "Post", mention: "Mention",
  noComments: "No comments.", history: "History", restore: "Restore this version",
  restoreConfirm: "The record will be restored to this version.",
  restored: "Restored", created: "Created", updated: "Updated", changedFrom: "{field}: “{from}” → “{to}”",
  errorsBelow: "Please check the values below.", networkError: "Cannot reach the server. Check the network and try again.",
  sessionExpired: "Your session has expired. Please log in again.",
  notFound: "Page not found.", backToPortal: "Back to the portal",
  errorId: "Error ID", retry: "Try again",
  today: "today", thisMonth: "this month", lastMonth: "last month", thisYear: "this year", loginUser: "the logged-in user",
  op_eq: "=", op_ne: "≠", op_lt: "<", op_gt: ">", op_le: "≤", op_ge: "≥",
  op_in: "is any of", op_notin: "is none of", op_like: "contains", op_notlike: "does not contain",
  op_empty: "is empty", op_notempty: "is not empty",
  value: "Value", field: "Field", operator: "Condition",
  ft_SINGLE_LINE_TEXT: "Text", ft_MULTI_LINE_TEXT: "Text area", ft_RICH_TEXT: "Rich text",
  ft_NUMBER: "Number", ft_DATE: "Date", ft_TIME: "Time", ft_DATETIME: "Date and time", ft_DROP_DOWN: "Drop-down",
  ft_RADIO_BUTTON: "Radio button", ft_CHECK_BOX: "Check box", ft_MULTI_SELECT: "Multi-choice",
  ft_USER_SELECT: "User selection", ft_LINK: "Link", ft_LABEL: "Label", ft_SPACER: "Blank space", ft_HR: "Border",
  ft_RECORD_NUMBER: "Record number", ft_CREATOR: "Created by", ft_CREATED_TIME: "Created datetime",
  ft_MODIFIER: "Updated by", ft_UPDATED_TIME: "Updated datetime",
  ft_CALC: "Calculated", expression: "Formula", autoCalc: "Calculate automatically", calcFormat: "Display format",
  fmt_NUMBER: "Number", fmt_NUMBER_DIGIT: "Number (thousands separated)", fmt_DATETIME: "Date and time", fmt_DATE: "Date", fmt_TIME: "Time",
  fmt_HOUR_MINUTE: "Duration (hours:minutes)", fmt_DAY_HOUR_MINUTE: "Duration (days, hours:minutes)",
  expressionHint: "For example: price * quantity, SUM(subtotal), IF(amount > 10000, \"needs approval\", \"\"). Fields are written by their field code.",
  calculatedOnSave: "Calculated when saved",
  precision: "Precision of calculations", precisionHint: "A division in a calculated field is rounded to this many decimal places.",
  precisionDigits: "Digits in all", precisionPlaces: "Decimal places", precisionRounding: "Rounding",
  roundHalfEven: "To the nearest, halves to even", roundUp: "Up (away from zero)", roundDown: "Down (toward zero)",
  ft_FILE: "Attachment", ft_SUBTABLE: "Table", ft_LOOKUP: "Lookup", ft_REFERENCE_TABLE: "Related records",
  attach: "Attach a file", download: "Download",
  addRow: "Add a row", removeRow: "Remove this row", rowN: "Row {n}", noRows: "No rows.",
  innerFields: "Fields of the table", addInnerField: "Add a field",
  optionsComma: "Options (separated by commas)",
  lookupGet: "Get", lookupPick: "Choose", lookupClear: "Clear", lookupTitle: "Choose from {app}",
  lookupSource: "App to look up", lookupKey: "Key field", lookupCopies: "Copy to other fields",
  lookupCopyTo: "Copy to", lookupCopyFrom: "Copy from", addCopy: "Add a copy",
  lookupPickerFields: "Fields shown when choosing", lookupAutoRefresh: "Update the copies when the source record changes",
  lookupNotFound: "“{v}” was not found in the source app.", lookupCopied: "Copied from {app}.",
  chooseApp: "Choose an app", chooseField: "Choose a field",
  refApp: "App whose records are shown", refCondition: "Records to show", refThisField: "Field of this app",
  refOtherField: "Field of the other app", refDisplay: "Fields to show", refSize: "Records per page",
  refFilter: "Narrow down further (optional)", refSortField: "Sort by",
  refNone: "No related records.", refShowAll: "Show all",
  settingsIncomplete: "Some settings are missing: {what}",
  importCsv: "Import from CSV", chooseFile: "Choose a file", encoding: "Encoding", encodingAuto: "Detect",
  importHint: "The first row's headings are matched to field names or codes. You can change where each column goes.",
  columnTo: "Goes to", notImported: "(not imported)", preview: "Preview (first 10 rows)",
  updateBy: "Update records whose value in this field matches", noUpdate: "(add every row)",
  skipBad: "Skip rows with problems and import the rest", startImport: "Import",
  uploading: "Sending… {pct}%", processing: "Importing… (a large file can take a minute)",
  importDone: "Imported {rows} rows: {added} added, {updated} updated, {skipped} skipped",
  importFailed: "Some rows have problems, so nothing was imported. Fix the rows listed below and import again.",
  problems: "Rows with problems", row: "Row", column: "Column", reason: "Reason", downloadReport: "Download the list of problems (CSV)",
  detected: "Encoding: {enc}",
  appFromCsv: "Create an app from a CSV file", appFromCsvHint: "Fields are made from the file's columns. Check their types and names, then create the app.",
  include: "Use", fieldType: "Field type", valuesSeen: "Values", createAndImport: "Create the app and import",
  creatingApp: "Creating the app…", openApp: "Open the app", exportCsv: "Export to CSV",
};

const dicts: Record<Lang, Record<Key, string>> = { ja, en };

function initial(): Lang {
  const saved = localStorage.getItem("tsumiki.lang");
  if (saved === "ja" || saved === "en") return saved;
  return navigator.language.toLowerCase().startsWith("ja") ? "ja" : "en";
}

let lang: Lang = initial();
const listeners = new Set<() => void>();
document.documentElement.lang = lang;

export function setLang(l: Lang) {
  lang = l;
  localStorage.setItem("tsumiki.lang", l);
  document.documentElement.lang = l;
  listeners.forEach((f) => f());
}
export const getLang = () => lang;

// t("pageRange", {from: 1, to: 20})
export function t(key: Key, vars?: Record<string, string | number>): string {
  let s = dicts[lang][key] ?? key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, String(v));
  return s;
}

// Re-renders the calling component when the language changes.
export function useLang(): Lang {
  const [, setN] = useState(0);
  useEffect(() => {
    const f = () => setN((n) => n + 1);
    listeners.add(f);
    return () => void listeners.delete(f);
  }, []);
  return lang;
}
