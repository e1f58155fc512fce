import { runMain } from "./main.js";
import { quietSdkNodeVersionWarning } from "./shared/process-warnings.js";

quietSdkNodeVersionWarning();

await runMain();
