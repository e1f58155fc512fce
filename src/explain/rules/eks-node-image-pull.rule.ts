import { partitionOf, roleNameOf } from "../../cloudtrail/arn.js";
import { isImagePullAction } from "../../cloudtrail/ecs-calls.js";
import { isEcsAgentUserAgent } from "../../cloudtrail/user-agents.js";
import { fixReasons } from "../reasons.js";
import { identityGrant } from "./grants.js";
import { type DenialFacts, decision, type ExplainRule, hasKind } from "./rule.js";

/** Anything that says the host runs ECS: the kind, the catalogue, or the ECS agent making the call. */
function hasEcsEvidence(d: DenialFacts): boolean {
  return (
    d.kind === "ecs-container-instance" ||
    hasKind(d.entry, "ecs-container-instance") ||
    isEcsAgentUserAgent(d.userAgent)
  );
}

/**
 * An image pull made with an EC2 instance's role (an i-… session) where nothing says the host runs ECS: an EKS
 * worker node's kubelet (or another container runtime on the host) pulls with the node role. The fix is the node
 * role's ECR permissions, not an ECS task definition.
 */
export const eksNodeImagePullRule: ExplainRule = {
  name: "eks-node-image-pull",
  applies: (d) =>
    d.action !== null &&
    isImagePullAction(d.action) &&
    (d.shape === "ec2-instance-id" || d.kind === "ec2-instance") &&
    !hasEcsEvidence(d),
  decide: (d) =>
    decision(d, {
      target: "ec2-instance",
      confidence: hasKind(d.entry, "ec2-instance") ? 0.75 : 0.6,
      reason: "eks-node-image-pull",
      grant: identityGrant({
        followUp: (_facts, made) =>
          made.roleArn
            ? [
                `aws iam attach-role-policy --role-name ${roleNameOf(made.roleArn)} --policy-arn arn:${partitionOf(made.roleArn) ?? "aws"}:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly  # or the statement above; older node groups carry AmazonEC2ContainerRegistryReadOnly`,
              ]
            : [],
      }),
      reasoning: [
        fixReasons["eks-node-image-pull"],
        "Nothing in the trail says this host runs ECS (no ECS agent, no container-instance evidence), so this is not about a task definition: on EKS the kubelet pulls every pod's images with the node role.",
        "Give the node role ECR pull permissions: the EKS guide gives node roles AmazonEC2ContainerRegistryPullOnly (AmazonEC2ContainerRegistryReadOnly on older node groups), or add the statement below.",
        "Pulling through an ECR pull-through cache rule also needs ecr:BatchImportUpstreamImage, and ecr:CreateRepository when the image's cache repository does not exist yet; neither managed policy grants them.",
      ],
    }),
};
