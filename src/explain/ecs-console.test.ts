import { describe, expect, it } from "vitest";
import { ecsConsoleTexts } from "./ecs-console.js";

const facts = {
  principal: "arn:aws:sts::123456789012:assumed-role/web-exec/a20b735e9bbc41598825b6f0269f6fef",
  action: "logs:CreateLogStream",
  resource: "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web:log-stream:ecs/web/a20b",
};

describe("ECS console texts", () => {
  it("say the log stream's principal is not authorised to perform the denied action, not the resource ARN", () => {
    const text = ecsConsoleTexts.logs(facts);
    expect(text).toContain(`User: ${facts.principal} is not authorized to perform: logs:CreateLogStream`);
    expect(text).not.toContain(facts.resource);
  });

  it.each(Object.entries(ecsConsoleTexts))("%s quotes only the facts it names", (_name, text) => {
    const shown = text(facts);
    // A principal or resource, when quoted, is quoted where the real message has it.
    if (shown.includes(facts.principal))
      expect(shown).toContain(`User: ${facts.principal} is not authorized`);
    if (shown.includes(facts.resource)) expect(shown).toMatch(/(on resource: |fetch secret )arn:aws:logs/);
  });
});
