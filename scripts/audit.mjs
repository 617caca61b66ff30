#!/usr/bin/env node
/**
 * `pnpm run audit`: known vulnerabilities in the locked dependencies, through the registry's
 * advisory service (`pnpm audit`). Policy in docs/security.md ("Dependencies"):
 *
 * - exit 1 on any advisory of severity high or critical, listing each one;
 * - exit 0 with the count when there are only low/moderate ones (review them, no gate);
 * - exit 0 with a loud "NOT CHECKED" notice when the advisory endpoint cannot be reached
 *   (offline CI, a registry mirror without the audit API): a missing service must not
 *   break the build, and must not pass for a clean result either.
 *   `AUDIT_REQUIRED=1` turns that case into a failure, for a pipeline that must audit.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const FAILING_SEVERITIES = new Set(['high', 'critical']);
/**
 * Accepted findings: `[{ "id": "GHSA-…", "reason": "…", "until": "YYYY-MM-DD" }]`. An
 * exception names why the advisory does not apply or cannot be fixed yet, and lapses on
 * its date, so it is looked at again.
 */
const EXCEPTIONS_FILE = new URL('./audit-exceptions.json', import.meta.url);

function readExceptions() {
  let list;
  try {
    list = JSON.parse(readFileSync(EXCEPTIONS_FILE, 'utf8'));
  } catch (error) {
    if (error.code === 'ENOENT') return new Map();
    console.error(`dependency audit: ${EXCEPTIONS_FILE.pathname} is not valid JSON`);
    process.exit(1);
  }
  const today = new Date().toISOString().slice(0, 10);
  return new Map(
    list
      .filter((entry) => typeof entry.id === 'string' && typeof entry.reason === 'string')
      .filter((entry) => typeof entry.until === 'string' && entry.until >= today)
      .map((entry) => [entry.id, entry]),
  );
}

/** The pnpm that runs this script (npm_execpath) if any, else pnpm on PATH, else `npx pnpm@9`. */
function runPnpmAudit() {
  const audit = ['audit', '--audit-level', 'low', '--json'];
  const options = { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 };
  const execPath = process.env.npm_execpath ?? '';
  if (/pnpm(\.c?js)?$/.test(execPath))
    return spawnSync(process.execPath, [execPath, ...audit], options);
  const onPath = spawnSync('pnpm', audit, options);
  if (onPath.error?.code !== 'ENOENT') return onPath;
  return spawnSync('npx', ['-y', 'pnpm@9', ...audit], options);
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function notChecked(reason) {
  const required = process.env.AUDIT_REQUIRED === '1';
  const log = required ? console.error : console.warn;
  log('==================================================================');
  log('DEPENDENCY AUDIT NOT CHECKED: the advisory endpoint could not be used.');
  log(`  ${reason}`);
  log('  Nothing was checked. Run `pnpm run audit` where the npm registry');
  log('  answers /-/npm/v1/security/audits (see docs/security.md).');
  log('==================================================================');
  process.exit(required ? 1 : 0);
}

const result = runPnpmAudit();
if (result.error) notChecked(`could not start pnpm: ${result.error.message}`);
const report = parseJson(result.stdout);
if (report === undefined) {
  const output = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-3).join(' / ');
  notChecked(`pnpm audit gave no report (exit ${result.status}): ${output}`);
}
if (report.error) notChecked(`${report.error.code ?? 'error'}: ${report.error.message ?? ''}`);

const advisories = Object.values(report.advisories ?? {});
const exceptions = readExceptions();
const excepted = (advisory) =>
  exceptions.get(advisory.github_advisory_id) ?? exceptions.get(String(advisory.id));
const failing = advisories.filter(
  (advisory) => FAILING_SEVERITIES.has(advisory.severity) && !excepted(advisory),
);
const counts = report.metadata?.vulnerabilities ?? {};
console.info(
  `dependency audit: ${advisories.length} advisories ` +
    `(critical ${counts.critical ?? 0}, high ${counts.high ?? 0}, ` +
    `moderate ${counts.moderate ?? 0}, low ${counts.low ?? 0})`,
);
for (const advisory of advisories) {
  const paths = (advisory.findings ?? []).flatMap((finding) => finding.paths ?? []).slice(0, 3);
  const exception = excepted(advisory);
  console.info(
    `  [${advisory.severity}] ${advisory.module_name} ${advisory.vulnerable_versions}: ` +
      `${advisory.title} (${advisory.url ?? 'no url'})${paths.length ? ` via ${paths.join(', ')}` : ''}` +
      (exception ? ` — excepted until ${exception.until}: ${exception.reason}` : ''),
  );
}
if (failing.length > 0) {
  console.error(
    `dependency audit: ${failing.length} high/critical advisories — upgrade, or record an ` +
      'exception in scripts/audit-exceptions.json (policy: docs/security.md).',
  );
  process.exit(1);
}
