/**
 * The AWS SDK prints a NodeVersionSupportWarning on every run under Node 20 (a future SDK will need Node 22): a
 * note for deniedby's maintainers that would reach every user's terminal and the JSON logs as stray text. The
 * entry points turn that one warning off with the SDK's own switch, unless the environment already says
 * otherwise; every other warning is kept.
 */
export function quietSdkNodeVersionWarning(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
}
