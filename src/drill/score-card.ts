// The drill's score card: how the recovery went, in the figures an operator rehearses for. Pure.
export interface ScoreCard {
  scenario: string;
  passed: boolean;
  expected: string;
  exitCode: number;
  headline: string;
  timeToRecoverMs: number;
  downtimeMs?: number;
  /** Rows missing from production afterwards, counted against `rowsLostAgainst`; undefined when nothing to count by. */
  rowsLost?: number;
  healthyRows?: number;
  /** Rows a correct recovery still loses (those on pages the scenario destroyed, which no copy holds); 0 elsewhere. */
  rowsLostAllowed: number;
  /** What rows lost are counted against: what production held before the damage, or the healthy source. */
  rowsLostAgainst?: 'production before the damage' | 'the healthy source';
  retries: number;
  isProductionRunning: boolean;
  incidentDir: string;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function formatScoreCard(card: ScoreCard): string {
  const rows: Array<[string, string]> = [
    ['result', `${card.headline} (exit ${card.exitCode})`],
    ['time to recover', seconds(card.timeToRecoverMs)],
    ['downtime (stop → start)', card.downtimeMs === undefined ? 'none: the app was never stopped' : seconds(card.downtimeMs)],
    [
      `rows lost vs ${card.rowsLostAgainst ?? 'the healthy source'}`,
      card.rowsLost === undefined
        ? card.healthyRows === undefined
          ? 'no healthy source in this scenario'
          : 'unknown (could not count)'
        : `${card.rowsLost} of ${card.healthyRows}${card.rowsLostAllowed > 0 ? ` (${card.rowsLostAllowed} were on destroyed pages: no copy holds them)` : ''}`,
    ],
    ['steps retried', String(card.retries)],
    ['production', card.isProductionRunning ? 'running' : 'NOT RUNNING'],
    ['record', card.incidentDir],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    `Drill ${card.scenario}: ${card.passed ? 'PASS' : 'FAIL'}`,
    `  expected: ${card.expected}`,
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
  ].join('\n');
}
