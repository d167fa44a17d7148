// The client never logs a user out by racing itself: one refresh for requests failing
// together, tabs that agree, network errors that are not sign-outs.
import { expect, test } from "./fixtures";
import {
  failOnPageErrors,
  open,
  registerThroughUi,
  storedTokens,
  uniqueEmail,
  waitForAccessExpiry,
  watchRefreshes,
} from "./helpers";

test("calls failing together after the access token expired share exactly one refresh", async ({ context, page }) => {
  failOnPageErrors(page);
  const email = uniqueEmail("parallel");
  await registerThroughUi(page, email);
  await page.close();
  const blank = await context.newPage();
  await waitForAccessExpiry(blank);

  // The profile loads the user and the sessions at once, both with the expired token, while
  // the page's own refresher also finds the token expired.
  const tab = await context.newPage();
  failOnPageErrors(tab);
  const refreshes = watchRefreshes(tab);
  const answers: Record<string, number[]> = { user: [], sessions: [] };
  // The refreshes sent by the time both calls have succeeded: the next proactive refresh of
  // the new 3 s token is due about two seconds later and is not part of this.
  let refreshesWhenLoaded: number | undefined;
  tab.on("response", (response) => {
    if (response.url().endsWith("/api/user/")) answers.user.push(response.status());
    if (response.url().endsWith("/api/sessions/")) answers.sessions.push(response.status());
    if (refreshesWhenLoaded === undefined && answers.user.includes(200) && answers.sessions.includes(200)) {
      refreshesWhenLoaded = refreshes.sent;
    }
  });
  await open(tab, "/");

  await expect(tab.getByTestId("profile-email")).toHaveText(email);
  await expect(tab.getByRole("link", { name: "1 device" })).toBeVisible();
  expect(refreshesWhenLoaded).toBe(1);
  expect(refreshes.statuses[0]).toBe(200);
  expect(answers.user.at(-1)).toBe(200);
  expect(answers.sessions.at(-1)).toBe(200);
});

test("two tabs refreshing at once both stay signed in", async ({ context, page }) => {
  const email = uniqueEmail("twotabs");
  await registerThroughUi(page, email);
  await page.close();
  const blank = await context.newPage();
  await waitForAccessExpiry(blank);

  const [a, b] = [await context.newPage(), await context.newPage()];
  const [refreshesA, refreshesB] = [watchRefreshes(a), watchRefreshes(b)];
  await Promise.all([open(a, "/"), open(b, "/")]);

  await expect(a.getByTestId("profile-email")).toHaveText(email);
  await expect(b.getByTestId("profile-email")).toHaveText(email);
  // The Web Lock lets one tab rotate; the other finds the new tokens (and the grace would
  // cover a second rotation): no refresh is refused.
  expect([...refreshesA.statuses, ...refreshesB.statuses].every((status) => status === 200)).toBe(true);
  expect(refreshesA.sent + refreshesB.sent).toBeGreaterThanOrEqual(1);
  await a.reload();
  await expect(a.getByTestId("profile-email")).toHaveText(email);
});

test("signing out in one tab signs out the others within two seconds", async ({ context, page }) => {
  await registerThroughUi(page, uniqueEmail("signout-tabs"));
  const other = await context.newPage();
  await open(other, "/sessions");
  await expect(other.getByText("This device")).toBeVisible();

  await page.getByRole("button", { name: "Sign out", exact: true }).click();

  await expect(other).toHaveURL(/\/login$/, { timeout: 2_000 });
  expect(await storedTokens(other)).toEqual({ access: null, refresh: null });
});

test("a session ended from another device lands on the sign-in page at its next call", async ({ browser }) => {
  const email = uniqueEmail("revoked");
  const laptop = await (await browser.newContext()).newPage();
  await registerThroughUi(laptop, email);
  const phone = await (await browser.newContext()).newPage();
  await open(phone, "/login");
  await phone.getByLabel("Email").fill(email);
  await phone.getByLabel("Password").fill("correct horse battery");
  await phone.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(phone.getByTestId("profile-email")).toHaveText(email);

  await open(phone, "/sessions");
  await expect(phone.locator(".session")).toHaveCount(2);
  await phone.getByRole("button", { name: "End session" }).click();
  await expect(phone.locator(".session")).toHaveCount(1);

  // Its next call (or its own background refresh, whichever comes first) is refused.
  await laptop.goto("/sessions");
  await expect(laptop).toHaveURL(/\/login$/);
  expect(await storedTokens(laptop)).toEqual({ access: null, refresh: null });
});

test("a refresh that fails for lack of network keeps the user signed in", async ({ page }) => {
  const email = uniqueEmail("offline");
  await registerThroughUi(page, email);
  await page.route("**/api/token/refresh/", (route) => route.abort("internetdisconnected"));
  await waitForAccessExpiry(page);

  await page.reload();
  await expect(page.getByRole("alert")).toContainText("Could not reach the server");
  const kept = await storedTokens(page);
  expect(kept.refresh).not.toBeNull();

  await page.unroute("**/api/token/refresh/");
  await page.reload();
  await expect(page.getByTestId("profile-email")).toHaveText(email);
});
