import { field, stringField } from "../../cloudtrail/record.js";
import { type Catalog, hit } from "../role-state.js";
import { asArray, type EvidenceReading, type Extractor } from "./context.js";

/**
 * An instance profile attached to instances (RunInstances, AssociateIamInstanceProfile, …) or put in a launch
 * template or configuration. Which role the profile holds comes from iam:AddRoleToInstanceProfile; the two meet
 * after the last record.
 */
export const instanceProfileLaunch: Extractor = ({ record, req, resp, account, reading }) => {
  const profiles: unknown[] = [
    field(req, "iamInstanceProfile"),
    field(field(req, "launchTemplateData"), "iamInstanceProfile"),
  ];
  for (const item of asArray(field(field(resp, "instancesSet"), "items")))
    profiles.push(field(item, "iamInstanceProfile"));
  for (const p of profiles) {
    const ref = typeof p === "string" ? p : (stringField(p, "arn") ?? stringField(p, "name"));
    if (!ref) continue;
    const profileName = ref.slice(ref.lastIndexOf("/") + 1);
    reading.launchedProfiles.set(`${account}:${profileName}`, record.eventName);
  }
};

/** After the last record: the roles of every instance profile that instances were launched with. */
export function readLaunchedProfiles(catalog: Catalog, reading: EvidenceReading): void {
  for (const [profileKey, how] of [...reading.launchedProfiles].sort()) {
    for (const key of [...(reading.profileRoles.get(profileKey) ?? [])].sort()) {
      const role = catalog.roles.get(key);
      if (role)
        hit(role, "ec2-family", "instance-profile.launch", `${how} with ${profileKey.split(":")[1] ?? ""}`);
    }
  }
}
