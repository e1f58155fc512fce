import { describe, expect, it } from "vitest";
import { isDenial } from "./denial.js";

describe("isDenial", () => {
  it.each([
    ["AccessDenied", "Access Denied"],
    ["AccessDeniedException", undefined],
    ["UnauthorizedOperation", undefined],
    ["Client.UnauthorizedOperation", "You are not authorized to perform this operation."],
    ["AuthorizationError", undefined],
    ["UnauthorizedAccess", undefined],
    ["ForbiddenException", undefined],
    ["AccessForbidden", undefined],
    ["InsufficientPrivilegesException", undefined],
    ["VpceAccessDenied", undefined],
    ["KMSAccessDeniedException", undefined],
    ["S3AccessDeniedFault", undefined],
    ["SomethingNew", "User: arn:aws:iam::1:user/x is not authorized to perform: foo:Bar"],
    [
      "NotAuthorizedException",
      "User: arn:aws:iam::1:user/x is not authorized to perform: kinesisvideo:GetMedia",
    ],
  ])("%s is a denial", (code, message) => {
    expect(isDenial(code, message)).toBe(true);
  });

  it.each([
    ["ExpiredToken", undefined],
    ["InvalidClientTokenId", undefined],
    ["CloudTrailInvalidClientTokenIdException", undefined],
    ["ThrottlingException", "Rate exceeded"],
    ["NoSuchBucketPolicy", undefined],
    ["NoSuchEntity", undefined],
    ["ValidationError", undefined],
    ["Client.InvalidParameterValue", undefined],
    ["Client.DryRunOperation", "Request would have succeeded, but DryRun flag is set."],
    ["Client.InvalidPermission.NotFound", undefined],
    ["NotAuthorizedException", "Incorrect username or password."],
    ["RequestExpired", undefined],
    [undefined, "not authorized to perform"],
  ])("%s is not a denial", (code, message) => {
    expect(isDenial(code, message)).toBe(false);
  });
});
