import { z } from "@hono/zod-openapi";
import { Explanation } from "../explain/explanation.schema.js";

/** Denials grouped by fingerprint (role, action, resource pattern, denying policy). */
export const Incident = z
  .object({
    id: z.string(),
    principalArn: z.string(),
    roleArn: z.string().nullable(),
    accountId: z.string(),
    action: z.string(),
    resourcePattern: z.string(),
    deniedBy: z.string(),
    policyArn: z.string().nullable(),
    count: z.number().int(),
    firstSeen: z.string(),
    lastSeen: z.string(),
    sampleEventIds: z.array(z.string()),
    sessions: z.array(z.string()),
    noise: z.boolean(),
    noiseReason: z.string().nullable(),
    latest: Explanation.nullable().openapi({
      description: "The explanation of the incident's latest denial",
    }),
  })
  .openapi("Incident");
export type Incident = z.infer<typeof Incident>;

export const IncidentList = z
  .object({ incidents: z.array(Incident), nextCursor: z.string().nullable() })
  .openapi("IncidentList");
export type IncidentList = z.infer<typeof IncidentList>;

export const IncidentIdParam = z.object({ id: z.string().min(1).max(64) });
