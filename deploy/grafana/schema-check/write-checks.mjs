// Writes one TypeScript file per committed dashboard into gen/: the dashboard's
// JSON as an object literal typed as StrictDashboard. `tsc --strict --noEmit`
// then checks it (an object literal gets TypeScript's excess-property check, so
// unknown fields fail too). Reads only the committed JSON, never the generator.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dashboards = join(here, '..', 'dashboards');
const gen = join(here, 'gen');

const files = readdirSync(dashboards).filter((f) => f.endsWith('.json')).sort();
if (files.length === 0) {
  console.error(`write-checks: no dashboards (*.json) in ${dashboards}`);
  process.exit(1);
}
rmSync(gen, { recursive: true, force: true });
mkdirSync(gen);
for (const file of files) {
  const text = readFileSync(join(dashboards, file), 'utf8');
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    console.error(`write-checks: ${file} is not JSON: ${e.message}`);
    process.exit(1);
  }
  const out = join(gen, file.replace(/\.json$/, '.check.ts'));
  writeFileSync(
    out,
    `// Written by write-checks.mjs from deploy/grafana/dashboards/${file}; do not edit.\n` +
      `import type { StrictDashboard } from '../src/strict-dashboard';\n\n` +
      `export const dashboard: StrictDashboard = ${JSON.stringify(json, null, 2)};\n`,
  );
  console.log(`write-checks: ${file} -> gen/${file.replace(/\.json$/, '.check.ts')}`);
}
