import { z } from "@hono/zod-openapi";

/** One quarantined piece of input, as the listing shows it: never more of its raw text than a bounded preview. */
export const QuarantineItem = z
  .object({
    id: z.number().int(),
    source: z
      .string()
      .openapi({ description: "The source tag it came in by (files, push, lookup-events, …)" }),
    location: z.string().openapi({ description: "The file, request or query it came from" }),
    position: z.string().openapi({ description: "'line 12', 'record 5', or '' for the whole input" }),
    reason: z.string().openapi({ description: "Stable reason code, e.g. json.invalid" }),
    detail: z.string(),
    preview: z.string().openapi({ description: "The first characters of the stored raw text (at most 200)" }),
    rawChars: z.number().int().openapi({ description: "The length of the stored raw text" }),
  })
  .openapi("QuarantineItem");

export const QuarantineList = z
  .object({ items: z.array(QuarantineItem), nextCursor: z.string().nullable() })
  .openapi("QuarantineList");
export type QuarantineList = z.infer<typeof QuarantineList>;

const code = z.string().min(1).max(128);

/** The listing's filters and page; any other parameter is an error. */
export const QuarantineQuery = z
  .object({
    source: code.optional(),
    reason: code.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(64).optional(),
  })
  .strict();
export type QuarantineQuery = z.infer<typeof QuarantineQuery>;
