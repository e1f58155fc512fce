import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { MemberAccount } from "../config.js";

export type { MemberAccount } from "../config.js";

/** What a member account's clients sign with: its role's temporary credentials. */
export type AccountCredentials = ReturnType<typeof fromTemporaryCredentials>;

/** The session name deniedby's assumed-role sessions carry in member accounts' trails. */
export const ROLE_SESSION_NAME = "deniedby";

/**
 * The temporary credentials of a member account's role: STS AssumeRole with the account's external id, one hour at a
 * time. Each client built on them caches them and assumes the role again shortly before they expire.
 */
export function accountCredentials(account: MemberAccount): AccountCredentials {
  return fromTemporaryCredentials({
    params: {
      RoleArn: account.roleArn,
      RoleSessionName: ROLE_SESSION_NAME,
      DurationSeconds: 3600,
      ...(account.externalId !== undefined ? { ExternalId: account.externalId } : {}),
    },
  });
}

/** The member account whose role reads a bucket (its `buckets` list it), if any. */
export function bucketAccount(accounts: readonly MemberAccount[], bucket: string): MemberAccount | undefined {
  return accounts.find((a) => a.buckets?.includes(bucket));
}
