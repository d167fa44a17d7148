// The account pages: sessions, profile edits, password change, keyboard use, a clean console.
import { type Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import {
  PASSWORD,
  failOnPageErrors,
  open,
  photograph,
  registerThroughApi,
  registerThroughUi,
  signInThroughUi,
  statusMessage,
  storedTokens,
  uniqueEmail,
} from "./helpers";

test("the sessions page lists both sign-ins and ends the other one", async ({ browser }) => {
  const email = uniqueEmail("sessions");
  const first = await (await browser.newContext()).newPage();
  await registerThroughUi(first, email);
  const second = await (await browser.newContext()).newPage();
  await signInThroughUi(second, email);

  await open(second, "/sessions");
  await expect(second.locator(".session")).toHaveCount(2);
  await expect(second.locator(".session.current")).toContainText("This device");

  await second.getByRole("button", { name: "End session" }).click();

  await expect(second.locator(".session")).toHaveCount(1);
  await first.reload();
  await expect(first).toHaveURL(/\/login$/);
});

test("changing the password signs out the other session", async ({ browser }) => {
  const email = uniqueEmail("password");
  const other = await (await browser.newContext()).newPage();
  await registerThroughUi(other, email);
  const page = await (await browser.newContext()).newPage();
  await signInThroughUi(page, email);

  await open(page, "/password");
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password", { exact: true }).fill("a brand new passphrase");
  await page.getByLabel("Confirm new password").fill("a brand new passphrase");
  await page.getByRole("button", { name: "Change password" }).click();

  await expect(statusMessage(page)).toContainText("Password changed");
  await other.reload();
  await expect(other).toHaveURL(/\/login$/);
  await open(page, "/");
  await expect(page.getByTestId("profile-email")).toHaveText(email);
});

test("a wrong current password is reported next to its field and focused", async ({ page }) => {
  await registerThroughUi(page, uniqueEmail("wrongcurrent"));
  await open(page, "/password");
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password", { exact: true }).fill("a brand new passphrase");
  await page.getByLabel("Confirm new password").fill("a brand new passphrase");
  await page.getByRole("button", { name: "Change password" }).click();

  await expect(page.locator("#current_password-error")).toContainText("entered incorrectly");
  await expect(page.getByLabel("Current password")).toBeFocused();
});

test("names are edited on the profile", async ({ page }) => {
  await registerThroughUi(page, uniqueEmail("names"));
  await page.getByLabel("First name").fill("Grace");
  await page.getByLabel("Last name").fill("Hopper");
  await page.getByRole("button", { name: "Save changes" }).click();

  await expect(statusMessage(page)).toHaveText("Saved.");
  await expect(page.getByRole("heading", { name: "Hello, Grace Hopper" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("heading", { name: "Hello, Grace Hopper" })).toBeVisible();
});

test("client-side checks stop a bad form before it is sent and focus the first error", async ({ page }) => {
  const posts: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST") posts.push(request.url());
  });
  await open(page, "/register");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Username").fill("fine");
  await page.getByLabel("Password", { exact: true }).fill("12345678");
  await page.getByLabel("Confirm password").fill("12345678");
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page.locator("#email-error")).toHaveText("Enter a valid email address.");
  await expect(page.locator("#password-error")).toHaveText("This password is entirely numeric.");
  await expect(page.getByLabel("Email")).toBeFocused();
  expect(posts).toEqual([]);
});

test("a signed-in visitor to the sign-in page goes to the profile", async ({ page }) => {
  const email = uniqueEmail("visitor");
  await registerThroughUi(page, email);
  await open(page, "/login");
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("profile-email")).toHaveText(email);
});

test("signing in works with the keyboard alone", async ({ page, request }) => {
  const email = uniqueEmail("keyboard");
  await registerThroughApi(request, email);
  await open(page, "/login");

  for (let presses = 0; presses < 6; presses += 1) {
    if (await page.evaluate(() => document.activeElement?.id === "email")) break;
    await page.keyboard.press("Tab");
  }
  await page.keyboard.type(email);
  await page.keyboard.press("Tab");
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");

  await expect(page.getByTestId("profile-email")).toHaveText(email);
});

/** Every console error and uncaught exception on `page`. */
function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

test("no page logs a console error", async ({ page }) => {
  const errors = consoleErrors(page);
  for (const path of ["/login", "/register", "/forgot-password"]) await open(page, path);
  await registerThroughUi(page, uniqueEmail("console"));
  for (const path of ["/sessions", "/password", "/"]) {
    await open(page, path);
    await expect(page.locator("main h1")).toBeVisible();
  }
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  expect(errors).toEqual([]);
});

test("each main page renders, and is photographed for the README", async ({ browser }) => {
  // UPDATE_SCREENSHOTS=1 writes them to docs/screenshots/ (committed); otherwise to test-results/.
  const context = await browser.newContext({ viewport: { width: 1000, height: 720 } });
  const page = await context.newPage();
  failOnPageErrors(page);
  const shoot = (name: string) => photograph(page, name);

  await open(page, "/login");
  await shoot("login");
  await open(page, "/register");
  await shoot("register");
  await open(page, "/forgot-password");
  await page.getByLabel("Email").fill("ada@example.com");
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(statusMessage(page)).toContainText("Check your inbox");
  await shoot("forgot-password");
  // The form shows before any token is checked (the server checks it on submit).
  await open(page, "/reset-password?token=photo");
  await expect(page.getByLabel("Confirm new password")).toBeVisible();
  await shoot("reset-password");
  await registerThroughUi(page, uniqueEmail("photo"));
  await expect(page.getByRole("link", { name: "1 device" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Email verification" })).toBeVisible();
  await shoot("profile");
  await open(page, "/sessions");
  await expect(page.locator(".session.current")).toBeVisible();
  await shoot("sessions");
  await open(page, "/password");
  await expect(page.getByLabel("Current password")).toBeVisible();
  await shoot("password");
  expect((await storedTokens(page)).refresh).not.toBeNull();
});
