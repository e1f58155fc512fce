import { benchClassify } from "./classify.bench.js";
import { benchExplain } from "./explain.bench.js";
import { benchHttp } from "./http.bench.js";
import { benchIngest } from "./ingest.bench.js";
import { benchLookupEvents } from "./lookup-events.bench.js";
import { benchPolicy } from "./policy.bench.js";
import { benchPolicyDenials } from "./policy-denials.bench.js";
import { benchPolicyImport } from "./policy-import.bench.js";
import { line } from "./report.js";

/** `npm run bench [name...]`: runs the named benchmarks, or all of them. */
const benches: Record<string, () => Promise<void>> = {
  ingest: benchIngest,
  classify: benchClassify,
  explain: benchExplain,
  "lookup-events": benchLookupEvents,
  http: benchHttp,
  policy: benchPolicy,
  "policy-import": benchPolicyImport,
  "policy-denials": benchPolicyDenials,
};

const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  line(`== ${name}`);
  await run();
}
