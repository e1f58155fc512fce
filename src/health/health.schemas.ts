import { z } from "@hono/zod-openapi";

export const Health = z.object({ status: z.literal("ok") }).openapi("Health");
export type Health = z.infer<typeof Health>;

export const Readiness = z
  .object({
    status: z.literal("ok"),
    policies: z.enum(["cold", "warming", "warm", "failed"]).openapi({
      description:
        "The AWS managed policies and policy model, loaded after start: `warming` until then (explanations work all " +
        "along; one asked meanwhile loads them itself), `cold` when the warm-up is off and nothing asked yet",
    }),
    examples: z.enum(["none", "only", "mixed"]).openapi({
      description:
        "Whether the database holds the bundled example trail: `mixed` when beside real data (run `deniedby examples " +
        "remove`); ready all the same",
    }),
  })
  .openapi("Readiness");
export type Readiness = z.infer<typeof Readiness>;
