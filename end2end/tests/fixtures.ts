// Every test runs with the server's Content-Security-Policy enforced by the browser, and fails
// on any violation: with tokens in localStorage, the CSP is what keeps injected scripts from
// reading them, so the app itself must never need an exception.
import { test as base, expect, type BrowserContext, type Page } from "@playwright/test";

/** Collects the CSP violations of every page of `context` into `violations`. */
async function reportViolations(context: BrowserContext, violations: string[]): Promise<void> {
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
    });
  });
  const watch = (page: Page) =>
    page.on("console", (message) => {
      const text = message.text();
      if (text.startsWith("CSP violation") || text.includes("Content Security Policy")) {
        violations.push(`${page.url()}: ${text}`);
      }
    });
  context.pages().forEach(watch);
  context.on("page", watch);
}

export const test = base.extend<{ noCspViolations: void }>({
  noCspViolations: [
    async ({ browser, context }, use) => {
      const violations: string[] = [];
      await reportViolations(context, violations);
      // Tests that open contexts of their own (two devices) are watched too.
      const newContext = browser.newContext.bind(browser);
      browser.newContext = async (options) => {
        const created = await newContext(options);
        await reportViolations(created, violations);
        return created;
      };
      await use();
      browser.newContext = newContext;
      expect(violations, "Content-Security-Policy violations").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
