// Signing in, and the server's errors shown where they belong.
import { expect, test } from "./fixtures";
import { PASSWORD, failOnPageErrors, open, registerThroughApi, storedTokens, uniqueEmail } from "./helpers";

test.beforeEach(({ page }) => failOnPageErrors(page));

test("an existing user signs in and sees the profile", async ({ page, request }) => {
  const email = uniqueEmail("signin");
  await registerThroughApi(request, email);

  await open(page, "/login");
  await page.getByLabel("Email").fill(email.toUpperCase());
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();

  await expect(page.getByTestId("profile-email")).toHaveText(email);
  expect((await storedTokens(page)).refresh).not.toBeNull();
});

test("a wrong password is reported on the page and stores nothing", async ({ page, request }) => {
  const email = uniqueEmail("wrong");
  await registerThroughApi(request, email);

  await open(page, "/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();

  await expect(page.getByRole("alert")).toHaveText("No active account found with the given credentials");
  await expect(page).toHaveURL(/\/login$/);
  expect(await storedTokens(page)).toEqual({ access: null, refresh: null });
});

test("registration errors appear next to their fields", async ({ page, request }) => {
  const taken = uniqueEmail("taken");
  await registerThroughApi(request, taken);

  await open(page, "/register");
  await page.getByLabel("Email").fill(taken);
  await page.getByLabel("Username").fill(`fresh-${Date.now()}`);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Confirm password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page.locator("#email-error")).toHaveText("user with this email already exists.");
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/\/register$/);
});

test("a short password is explained next to the password field", async ({ page }) => {
  await open(page, "/register");
  await page.getByLabel("Email").fill(uniqueEmail("short"));
  await page.getByLabel("Username").fill(`short-${Date.now()}`);
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByLabel("Confirm password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page.locator("#password-error")).toContainText("This password is too short.");
  await expect(page.locator("#email-error")).toHaveText("");
});

test("password confirmation must match", async ({ page }) => {
  await open(page, "/register");
  await page.getByLabel("Email").fill(uniqueEmail("mismatch"));
  await page.getByLabel("Username").fill(`mismatch-${Date.now()}`);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Confirm password").fill(`${PASSWORD}!`);
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page.locator("#password-error")).toHaveText("Password fields didn't match.");
});
