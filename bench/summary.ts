// The benchmark's verdicts: every figure beside its baseline, its ratio and its goal from issue 15, and the cost curve
// of each step of the tool's run from the smallest size to the largest (a fit of fixed cost + cost per MB).
import type { SizeFiles } from './files.js';
import type { InteractiveRun } from './interactive.js';
import { MB } from './files.js';
import { median, millis, ratio, seconds, table } from './measure.js';
import type { Micro } from './micro.js';
import type { RawRun } from './raw.js';
import type { ScanFigures } from './scan.js';
import type { ToolRun } from './tool.js';
import type { FirstFrame } from './tui.js';
import type { AppVariant } from './variants.js';

export interface ComboResult {
  sizeMb: number;
  variant: AppVariant;
  tool?: ToolRun;
  raw?: RawRun;
  /** Why the raw recovery could not be measured. */
  rawError?: string;
}

export interface InteractiveResult {
  sizeMb: number;
  variant: AppVariant;
  tui: InteractiveRun;
  yes: ToolRun;
}

export interface Figures {
  sizes: number[];
  files: Map<number, SizeFiles>;
  combos: ComboResult[];
  micro?: Micro;
  firstFrame?: FirstFrame;
  scan?: ScanFigures;
  interactive?: InteractiveResult;
}

type Log = (line?: string) => void;
const label = (mb: number) => (mb >= 1000 && mb % 1000 === 0 ? `${mb / 1000} GB` : `${mb} MB`);
const verdict = (met: boolean | undefined) => (met === undefined ? 'no figure' : met ? 'met' : 'NOT MET');
const ok = (run: ToolRun | undefined) => run !== undefined && run.exitCode === 0;

/** Each (size, app) pair: the tool's run and the raw commands, side by side. */
export function printRestores(figures: Figures, log: Log): void {
  const rows = figures.combos.map((combo) => {
    const { tool, raw } = combo;
    const toolText = !tool ? '—' : ok(tool) ? seconds(tool.wallMs) : `exit ${tool.exitCode} after ${seconds(tool.wallMs)}`;
    return [
      `${label(combo.sizeMb)}, ${combo.variant.label}`,
      toolText,
      raw ? seconds(raw.totalMs) : combo.rawError ? 'failed' : '—',
      ok(tool) && raw ? ratio(tool!.wallMs, raw.totalMs) : '',
      `${seconds(tool?.downtimeMs)} / ${seconds(raw?.downtimeMs)}`,
      `${seconds(tool?.windowMs)} / ${seconds(raw?.windowMs)}`,
      tool ? `${tool.peakRssMb.toFixed(0)} MB` : '—',
    ];
  });
  table(['size, app', 'restore --yes', 'raw commands', 'ratio', 'downtime tool / raw', 'stop typed → started', 'peak RSS'], rows, log);
  for (const combo of figures.combos) {
    if (combo.tool && !ok(combo.tool))
      log(
        `  ${label(combo.sizeMb)}, ${combo.variant.id}: the tool exited ${combo.tool.exitCode}:\n    ${(combo.tool.failure ?? '').split('\n').join('\n    ')}`,
      );
    if (combo.rawError) log(`  ${label(combo.sizeMb)}, ${combo.variant.id}: the raw recovery failed: ${combo.rawError}`);
  }
}

/** Least squares of ms against MB: the fixed cost (intercept) and the cost per MB (slope). */
export function fitLine(points: Array<[number, number]>): { fixedMs: number; msPerMb: number } {
  const n = points.length;
  const mx = points.reduce((sum, [x]) => sum + x, 0) / n;
  const my = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const sxx = points.reduce((sum, [x]) => sum + (x - mx) ** 2, 0);
  const msPerMb = sxx === 0 ? 0 : points.reduce((sum, [x, y]) => sum + (x - mx) * (y - my), 0) / sxx;
  return { fixedMs: my - msPerMb * mx, msPerMb };
}

/** Per step of the tool's run, for one app across the sizes: time at each size, fixed cost and cost per 100 MB. */
export function printCostCurve(figures: Figures, variant: AppVariant, log: Log): void {
  const runs = figures.sizes
    .map((mb) => ({
      mb,
      bytes: figures.files.get(mb)!.bytes,
      tool: figures.combos.find((c) => c.sizeMb === mb && c.variant.id === variant.id)?.tool,
    }))
    .filter((entry): entry is { mb: number; bytes: number; tool: ToolRun } => ok(entry.tool));
  if (runs.length < 2) {
    log(`(fewer than two sizes restored with "${variant.label}": no curve)`);
    return;
  }
  const first = runs[0];
  const last = runs[runs.length - 1];
  const sizeRatio = last.bytes / first.bytes;
  const stepIds = [...last.tool.steps.keys()];
  const rows = stepIds.map((id) => {
    const points = runs.filter((run) => run.tool.steps.has(id)).map((run) => [run.bytes / MB, run.tool.steps.get(id)!] as [number, number]);
    const fit = fitLine(points);
    const growth = last.tool.steps.get(id)! / first.tool.steps.get(id)!;
    return [
      id,
      ...runs.map((run) => seconds(run.tool.steps.get(id))),
      seconds(Math.max(0, fit.fixedMs)),
      seconds(fit.msPerMb * 100),
      `${growth.toFixed(1)}×${growth > sizeRatio * 1.1 ? '  SUPERLINEAR' : ''}`,
    ];
  });
  const whole = fitLine(runs.map((run) => [run.bytes / MB, run.tool.wallMs]));
  rows.push([
    'whole run (process)',
    ...runs.map((run) => seconds(run.tool.wallMs)),
    seconds(Math.max(0, whole.fixedMs)),
    seconds(whole.msPerMb * 100),
    ratio(last.tool.wallMs, first.tool.wallMs),
  ]);
  const raws = runs.map((run) => figures.combos.find((c) => c.sizeMb === run.mb && c.variant.id === variant.id)?.raw);
  if (raws.every(Boolean)) {
    const rawFit = fitLine(runs.map((run, i) => [run.bytes / MB, raws[i]!.totalMs]));
    rows.push([
      'raw commands, whole',
      ...raws.map((raw) => seconds(raw!.totalMs)),
      seconds(Math.max(0, rawFit.fixedMs)),
      seconds(rawFit.msPerMb * 100),
      ratio(raws[raws.length - 1]!.totalMs, raws[0]!.totalMs),
    ]);
  }
  table(['step', ...runs.map((run) => label(run.mb)), 'fixed', 'per 100 MB', `${label(last.mb)} / ${label(first.mb)}`], rows, log);
  log(
    `database sizes ${runs.map((run) => `${(run.bytes / MB).toFixed(0)} MiB`).join(', ')}: a step at most linear grows ≤ ${sizeRatio.toFixed(1)}×; fixed = intercept of a least-squares line through the sizes`,
  );
}

/** The table of issue 15: each measure, its baseline, ratio and goal, and whether this run met it. */
export function goalRows(figures: Figures): string[][] {
  const rows: string[][] = [];
  const add = (measure: string, tool: string, baseline: string, value: string, goal: string, met: boolean | undefined) =>
    rows.push([measure, tool, baseline, value, goal, verdict(met)]);

  for (const combo of figures.combos) {
    if (!combo.tool) continue;
    const name = `restore --yes over SSH vs raw, ${label(combo.sizeMb)}, ${combo.variant.id}`;
    if (!ok(combo.tool)) add(name, `exit ${combo.tool.exitCode}`, seconds(combo.raw?.totalMs), '', '≤ 0.8×', false);
    else if (combo.raw)
      add(
        name,
        seconds(combo.tool.wallMs),
        seconds(combo.raw.totalMs),
        ratio(combo.tool.wallMs, combo.raw.totalMs),
        '≤ 0.8×',
        combo.tool.wallMs <= 0.8 * combo.raw.totalMs,
      );
  }

  const i = figures.interactive;
  if (i) {
    const both = i.tui.exitCode === 0 && ok(i.yes);
    const name = `${label(i.sizeMb)}, ${i.variant.id}`;
    add(
      `interactive (tmux, answering at once) vs --yes: total, ${name}`,
      both ? seconds(i.tui.wallMs) : `exit ${i.tui.exitCode}`,
      seconds(i.yes.wallMs),
      both ? ratio(i.tui.wallMs, i.yes.wallMs) : '',
      '≤ 1.1×',
      both ? i.tui.wallMs <= 1.1 * i.yes.wallMs : false,
    );
    const delta = i.tui.downtimeMs !== undefined && i.yes.downtimeMs !== undefined ? i.tui.downtimeMs - i.yes.downtimeMs : undefined;
    add(
      `interactive vs --yes: downtime, ${name}`,
      seconds(i.tui.downtimeMs),
      seconds(i.yes.downtimeMs),
      delta === undefined ? '' : `${delta >= 0 ? '+' : ''}${seconds(delta)}`,
      'within 0.5 s',
      delta === undefined ? undefined : Math.abs(delta) <= 500,
    );
  }

  const smallest = figures.sizes[0];
  const largest = figures.sizes[figures.sizes.length - 1];
  const variants = [...new Map(figures.combos.map((combo) => [combo.variant.id, combo.variant])).values()];
  for (const variant of variants) {
    const at = (mb: number) => figures.combos.find((c) => c.sizeMb === mb && c.variant.id === variant.id)?.tool;
    const small = at(smallest);
    const big = at(largest);
    if (!ok(small)) continue;
    const values = [small!.downtimeMs, ok(big) && largest !== smallest ? big!.downtimeMs : undefined].filter(
      (v): v is number => v !== undefined,
    );
    if (values.length === 0) continue;
    const flat = values.length < 2 || Math.abs(values[1] - values[0]) <= 500;
    add(
      `downtime (stop → start), ${label(smallest)} / ${label(largest)}, ${variant.id}`,
      values.map(seconds).join(' / '),
      '',
      '',
      '≤ 2 s and flat',
      values.every((v) => v <= 2000) && flat,
    );
  }

  const m = figures.micro;
  if (m?.copyIn)
    add(
      `copy into the container vs docker cp, ${label(m.copyIn.sizeMb)}`,
      seconds(median(m.copyIn.tool)),
      seconds(median(m.copyIn.dockerCp)),
      ratio(median(m.copyIn.tool), median(m.copyIn.dockerCp)),
      '≤ 1.0×',
      median(m.copyIn.tool) <= median(m.copyIn.dockerCp),
    );
  if (m?.healthyBackups) {
    const e = m.healthyBackups;
    add(
      `7 healthy backups (${label(e.sizeMb)}) checked, triage, vs sequential sqlite3 loop`,
      seconds(median(e.triage)),
      seconds(median(e.cli)),
      ratio(median(e.triage), median(e.cli)),
      '≤ 0.6×',
      median(e.triage) <= 0.6 * median(e.cli),
    );
    add(
      `  same, integrity_check of every one (like for like)`,
      seconds(median(e.full)),
      seconds(median(e.cli)),
      ratio(median(e.full), median(e.cli)),
      '≤ 0.6×',
      median(e.full) <= 0.6 * median(e.cli),
    );
  }

  const f = figures.firstFrame;
  if (f) {
    const floor = median(f.nodeFloor);
    add(
      'start to first frame (median) vs node -e',
      millis(median(f.firstFrame)),
      millis(floor),
      ratio(median(f.firstFrame), floor),
      '≤ 1.3×',
      median(f.firstFrame) <= 1.3 * floor,
    );
    add(
      '  start to the first question (median) vs node -e',
      millis(median(f.question)),
      millis(floor),
      ratio(median(f.question), floor),
      '≤ 1.3×',
      median(f.question) <= 1.3 * floor,
    );
  }

  const peaks = (mb: number) => figures.combos.filter((c) => c.sizeMb === mb && ok(c.tool)).map((c) => c.tool!.peakRssMb);
  const bigPeaks = peaks(largest);
  const smallPeaks = peaks(smallest);
  if (bigPeaks.length > 0 && smallPeaks.length > 0) {
    const peak = Math.max(...bigPeaks);
    const smallPeak = Math.max(...smallPeaks);
    const flat = peak <= 1.25 * smallPeak;
    add(
      `peak RSS of a ${label(largest)} restore (highest of its runs) vs ${label(smallest)}`,
      `${peak.toFixed(0)} MB`,
      `${smallPeak.toFixed(0)} MB`,
      ratio(peak, smallPeak),
      '< 150 MB, flat',
      peak < 150 && flat,
    );
  }

  const s = figures.scan;
  if (s) {
    const perDb = s.stepMs / Math.max(1, s.databases);
    const perExec = s.loopMs / s.tenants;
    add(
      `scan of ${s.tenants} small databases in one container: per database vs one quick_check exec`,
      millis(perDb),
      millis(perExec),
      ratio(perDb, perExec),
      '≤ 2×',
      s.exitCode <= 1 && perDb <= 2 * perExec,
    );
  }
  return rows;
}

/** Figures without a goal in issue 15, kept from the earlier benchmark (issue 6's goals). */
export function otherRows(figures: Figures): string[][] {
  const rows: string[][] = [];
  const m = figures.micro;
  if (m?.upload) {
    const u = m.upload;
    rows.push([
      `upload (SFTP + rename) vs scp, ${label(u.sizeMb)}`,
      seconds(median(u.tool)),
      seconds(median(u.scp)),
      ratio(median(u.tool), median(u.scp)),
      'issue 6: throughput ≥ 0.9× scp',
    ]);
    rows.push([
      `  same, vs scp -c aes128-gcm`,
      seconds(median(u.tool)),
      seconds(median(u.scpGcm)),
      ratio(median(u.tool), median(u.scpGcm)),
      'issue 6: ≥ 0.9×',
    ]);
  }
  if (m?.check)
    rows.push([
      `one integrity_check, ${label(m.check.sizeMb)}: inspector vs sqlite3 CLI`,
      seconds(median(m.check.tool)),
      seconds(median(m.check.cli)),
      ratio(median(m.check.tool), median(m.check.cli)),
      'issue 6: ≤ 1.05×',
    ]);
  if (m?.backups)
    rows.push([
      `7 torn backups (${label(m.backups.sizeMb)}): triage vs loop`,
      seconds(median(m.backups.triage)),
      seconds(median(m.backups.cli)),
      ratio(median(m.backups.triage), median(m.backups.cli)),
      'issue 6: ≤ 0.6×',
    ]);
  const f = figures.firstFrame;
  if (f) rows.push(['answer n → the TUI step list (median)', millis(median(f.afterAnswer)), '', '', '']);
  const i = figures.interactive;
  if (i) rows.push([`interactive vs --yes: stop typed → started`, seconds(i.tui.windowMs), seconds(i.yes.windowMs), '', '']);
  return rows;
}
