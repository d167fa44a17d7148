// Shared steps for the browser tests.
import { expect, type Page, type APIRequestContext, type Locator } from "@playwright/test";

export const PASSWORD = "correct horse battery";

/** An address no other test (or earlier run against the same database) uses. */
export function uniqueEmail(tag: string): string {
  const nonce = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  return `${tag}-${nonce}@example.com`;
}

/** The server renders forms before the wasm hydrates; clicking earlier would do nothing. */
export async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
}

/** Fails the test on any uncaught exception (a Rust panic in the wasm shows up here). */
export function failOnPageErrors(page: Page): void {
  page.on("pageerror", (error) => {
    throw new Error(`uncaught error in the page: ${error.message}`);
  });
}

/** The page's status message. Live regions stay in the page while empty (the app's `Status`
 * component), so this is the one with text. */
export function statusMessage(page: Page): Locator {
  return page.getByRole("status").filter({ hasText: /\S/ });
}

export async function storedTokens(page: Page): Promise<{ access: string | null; refresh: string | null }> {
  return page.evaluate(() => ({
    access: localStorage.getItem("access_token"),
    refresh: localStorage.getItem("refresh_token"),
  }));
}

/** Creates an account through the UI and waits for the profile. */
export async function registerThroughUi(page: Page, email: string): Promise<void> {
  await open(page, "/register");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Username").fill(email.split("@")[0]);
  await page.getByLabel("First name").fill("Ada");
  await page.getByLabel("Last name").fill("Lovelace");
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Confirm password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("profile-email")).toHaveText(email);
}

/** Creates an account through the API (for tests about signing in). */
export async function registerThroughApi(request: APIRequestContext, email: string): Promise<void> {
  const response = await request.post("/api/register/", {
    data: { email, username: email.split("@")[0], password: PASSWORD, password2: PASSWORD },
  });
  expect(response.status()).toBe(201);
}

/** Signs in through the UI and waits for the profile. */
export async function signInThroughUi(page: Page, email: string, password = PASSWORD): Promise<void> {
  await open(page, "/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("profile-email")).toHaveText(email);
}

/** Counts the refresh requests `page` sends, and how they were answered. */
export function watchRefreshes(page: Page): { sent: number; statuses: number[] } {
  const seen = { sent: 0, statuses: [] as number[] };
  page.on("request", (request) => {
    if (request.url().includes("/api/token/refresh")) seen.sent += 1;
  });
  page.on("response", (response) => {
    if (response.url().includes("/api/token/refresh")) seen.statuses.push(response.status());
  });
  return seen;
}

/** Lets the 3 s access tokens of the e2e server expire (with the server's 1 s leeway). */
export async function waitForAccessExpiry(page: Page): Promise<void> {
  await page.waitForTimeout(5_000);
}

/** Where the e2e SMTP sink shows the mail the server sent (see the Makefile's `e2e`). */
const SMTP_SINK_URL = process.env.SMTP_SINK_URL ?? "http://127.0.0.1:3180";

/**
 * The `path?token=` links in the mail to `to`, oldest first, once there is one. The server
 * sends from a background task within about a second, so this polls (bounded).
 */
export async function mailedLinks(to: string, path: string): Promise<string[]> {
  const link = new RegExp(`https?://[^\\s"'<>]+${path}\\?token=[\\w-]+`, "g");
  let links: string[] = [];
  await expect
    .poll(
      async () => {
        const response = await fetch(`${SMTP_SINK_URL}/messages?to=${encodeURIComponent(to)}`);
        const messages = (await response.json()) as { text: string }[];
        // One link per mail, even if its text repeats it.
        links = messages.flatMap((message) => [...new Set(message.text.match(link) ?? [])]);
        return links.length;
      },
      { message: `a mail to ${to} with a ${path} link`, timeout: 15_000, intervals: [100, 250] },
    )
    .toBeGreaterThan(0);
  return links;
}

/** Saves a screenshot for the README: `UPDATE_SCREENSHOTS=1` writes to docs/screenshots/
 * (committed), otherwise to test-results/ (so a run still checks the page can be shot). */
export async function photograph(page: Page, name: string): Promise<void> {
  const folder = process.env.UPDATE_SCREENSHOTS ? "../docs/screenshots" : "test-results/screenshots";
  await page.screenshot({ path: `${folder}/${name}.png` });
}
