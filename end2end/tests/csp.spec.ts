// The Content-Security-Policy is enforced: the app hydrates under it, and a script injected
// into the page (the XSS that would read localStorage) does not run.
import { expect, test } from "@playwright/test";

test("the page hydrates under its CSP and injected inline scripts do not run", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) violations.push(message.text());
  });
  const response = await page.goto("/login");
  const policy = response?.headers()["content-security-policy"] ?? "";
  expect(policy).toContain("'wasm-unsafe-eval'");
  expect(policy).not.toContain("unsafe-inline");
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
  expect(violations).toEqual([]);

  const ran = await page.evaluate(async () => {
    const injected = document.createElement("script");
    injected.textContent = "window.__injected = localStorage.length;";
    document.body.appendChild(injected);
    await new Promise((resolve) => setTimeout(resolve, 100));
    return (window as unknown as { __injected?: number }).__injected !== undefined;
  });

  expect(ran).toBe(false);
  await expect.poll(() => violations.length).toBeGreaterThan(0);
});
