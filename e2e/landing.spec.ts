import { expect, test } from "@playwright/test";

test("the landing page says what the hub is and how to call it", async ({ page, baseURL }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("AIGNE Hub");
  await expect(page.getByTestId("fact-endpoint")).toHaveText(`${baseURL}/v1`);
  await expect(page.getByText("Authorization: Bearer sk-hub-…").first()).toBeVisible();
  await expect(page.getByText(`curl ${baseURL}/v1/chat/completions`)).toBeVisible();
  await expect(page.getByText('import OpenAI from "openai";')).toBeVisible();
  // a hub without models tells its operator how to publish one
  await expect(page.getByTestId("operator-quickstart")).toContainText("npm run hub -- provider add");
  await page.screenshot({ path: "e2e/artifacts/landing.png", fullPage: true });
});
