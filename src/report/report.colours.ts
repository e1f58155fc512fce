import { ROLE_KINDS, type RoleKind } from "../classify/kinds.js";

/**
 * One fixed colour per role kind, the same in every chart, legend and badge, whichever kinds a report holds.
 * Picked from Kelly's colours of maximum contrast so that any two differ by a CIEDE2000 distance of at least 10
 * (the test measures it); the kind's name is always written beside its colour, so colour is never the only cue.
 */
export const kindColours: Readonly<Record<RoleKind, string>> = {
  "ecs-task": "#0067a5",
  "ecs-task-execution": "#f38400",
  "ecs-container-instance": "#008856",
  "ec2-instance": "#8db600",
  lambda: "#875692",
  "eks-irsa": "#be0032",
  "eks-pod-identity": "#e68fac",
  sso: "#f3c300",
  "service-linked": "#848482",
  "ecs-service": "#a1caf1",
  "ecs-events": "#882d17",
  "ecs-autoscale": "#c2b280",
  "ecs-codedeploy": "#604e97",
  "service-role": "#b3446c",
  "chained-role": "#2b3d26",
  "iam-user": "#f99379",
  root: "#654522",
  unknown: "#d0d0d0",
};

/** The colour of a kind; names that are not kinds (a renamed kind in old data) get the unknown grey. */
export function kindColour(kind: string): string {
  return (kindColours as Record<string, string>)[kind] ?? kindColours.unknown;
}

/** CSS classes `k-<kind>` setting `--k` to the kind's colour, for badges and legends (no inline style needed). */
export const kindColourCss = ROLE_KINDS.map((k) => `.k-${k}{--k:${kindColours[k]}}`).join("");
