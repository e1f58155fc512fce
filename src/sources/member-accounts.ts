import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { MemberAccount } from "../config.js";
import { DomainError } from "../shared/errors.js";
import { awsErrorInfo, classifyRetry } from "./aws-retry.js";

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
  const assume = fromTemporaryCredentials({
    params: {
      RoleArn: account.roleArn,
      RoleSessionName: ROLE_SESSION_NAME,
      DurationSeconds: 3600,
      ...(account.externalId !== undefined ? { ExternalId: account.externalId } : {}),
    },
  });
  return async (properties) => {
    try {
      return await assume(properties);
    } catch (error) {
      // Throttling and outages stay as they are, for the caller's retries; anything else is STS refusing this role.
      if (classifyRetry(error) !== null) throw error;
      throw new AssumeRoleError(account.roleArn, error);
    }
  };
}

/**
 * STS refused to let deniedby's role assume a member account's role (its trust policy, the external id, or
 * deniedby's own sts:AssumeRole): whatever call needed the credentials failed because of this, not of its own.
 */
export class AssumeRoleError extends DomainError<"member_account.assume_role_failed"> {
  /** STS's error name (AccessDenied, …). */
  readonly awsCode: string;
  constructor(
    readonly roleArn: string,
    cause: unknown,
  ) {
    const info = awsErrorInfo(cause);
    super("member_account.assume_role_failed", `${roleArn}: ${info.name}: ${info.message}`, { cause });
    this.awsCode = info.name;
  }
}

/** The member account whose role reads a bucket (its `buckets` list it), if any. */
export function bucketAccount(accounts: readonly MemberAccount[], bucket: string): MemberAccount | undefined {
  return accounts.find((a) => a.buckets?.includes(bucket));
}
