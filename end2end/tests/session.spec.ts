// A whole session in the browser: register, stay signed in, refresh, sign out.
import { expect, test } from "./fixtures";
import { failOnPageErrors, open, registerThroughUi, storedTokens, uniqueEmail } from "./helpers";

test.beforeEach(({ page }) => failOnPageErrors(page));

test("registering shows the profile and stores both tokens", async ({ page }) => {
  const email = uniqueEmail("register");
  await registerThroughUi(page, email);
  await expect(page.getByRole("heading", { name: "Hello, Ada Lovelace" })).toBeVisible();
  const tokens = await storedTokens(page);
  expect(tokens.access).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);
  expect(tokens.refresh).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);
});

test("a reload keeps the user signed in", async ({ page }) => {
  const email = uniqueEmail("reload");
  await registerThroughUi(page, email);
  await page.reload();
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
  await expect(page.getByTestId("profile-email")).toHaveText(email);
  await expect(page).toHaveURL(/\/$/);
});

test("past the access token's lifetime the app has refreshed and stays signed in", async ({ page }) => {
  // The e2e server runs with JWT_ACCESS_TOKEN_LIFETIME=3s (see the Makefile).
  const email = uniqueEmail("expiry");
  await registerThroughUi(page, email);
  const before = await storedTokens(page);
  const refreshes: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/token/refresh")) refreshes.push(request.url());
  });

  await page.waitForTimeout(5_000); // 3 s lifetime + 1 s leeway, and a margin
  await page.reload();

  await expect(page.getByTestId("profile-email")).toHaveText(email);
  expect(refreshes.length).toBeGreaterThanOrEqual(1);
  const after = await storedTokens(page);
  expect(after.access).not.toBe(before.access);
  expect(after.refresh).not.toBe(before.refresh);
});

test("signing out clears the tokens and the old refresh token is refused", async ({ page, request }) => {
  await registerThroughUi(page, uniqueEmail("signout"));
  const { refresh } = await storedTokens(page);

  await page.getByRole("button", { name: "Sign out", exact: true }).click();

  await expect(page).toHaveURL(/\/login$/);
  expect(await storedTokens(page)).toEqual({ access: null, refresh: null });
  const replay = await request.post("/api/token/refresh/", { data: { refresh } });
  expect(replay.status()).toBe(401);
});

test("a signed-out visitor to the profile lands on the sign-in page", async ({ page }) => {
  await open(page, "/");
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});
