// Administration and self-service: a staff member disables another user from the Admin pages,
// a user who is not staff is refused them, and a user downloads their data and deletes their
// account.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { PASSWORD, open, photograph, registerThroughUi, storedTokens, uniqueEmail } from "./helpers";

/** The repository root: the release server binary and the e2e database are named from it. */
const ROOT = resolve(__dirname, "../..");

/** Makes `email` staff through the CLI, as an operator would, on the suite server's database
 * (the Makefile's `e2e` sets DATABASE_URL; staff status is read from it on every admin call). */
function grantStaff(email: string): void {
  const server = process.env.GATEHOUSE_SERVER_BIN ?? resolve(ROOT, "target/release/server");
  execFileSync(server, ["users", "grant-staff", email], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? "sqlite://target/e2e.sqlite3" },
    stdio: "pipe",
  });
}

/** Records whether the users table was ever in the page, however briefly. */
async function watchForUserTable(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen = () => document.querySelector("[data-testid='admin-users']") !== null;
    new MutationObserver(() => {
      if (seen()) (window as unknown as { sawUsers: boolean }).sawUsers = true;
    }).observe(document, { childList: true, subtree: true });
  });
}

test("staff disable a user from the Admin pages, and that user's open tab is signed out", async ({
  page,
  browser,
}) => {
  const member = await (await browser.newContext()).newPage();
  const memberEmail = uniqueEmail("member");
  await registerThroughUi(member, memberEmail);

  const staffEmail = uniqueEmail("staff");
  await registerThroughUi(page, staffEmail);
  grantStaff(staffEmail);

  // The admin API reads staff status from the database; `GET /api/user/`, which the header's
  // Admin link follows, may answer from a cache trusted for 1 s.
  await expect(async () => {
    await open(page, "/admin");
    await expect(page.getByRole("link", { name: "Admin", exact: true })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  await expect(page.getByTestId("admin-pages")).toContainText(/Page 1 of \d+/);
  await photograph(page, "admin-users");

  await page.getByLabel("Search").fill(memberEmail.split("@")[0]);
  const rows = page.getByTestId("admin-users").locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await rows.getByRole("link", { name: memberEmail }).click();

  await expect(page).toHaveURL(/\/admin\/users\/\d+$/);
  await expect(page.getByTestId("admin-user-email")).toHaveText(memberEmail);
  await expect(page.getByTestId("admin-user-sessions").locator("li")).toHaveCount(1);
  await photograph(page, "admin-user");

  await page.getByRole("button", { name: "Disable", exact: true }).click();
  await page.getByRole("button", { name: "Yes, disable" }).click();
  await expect(page.getByTestId("admin-user-active")).toHaveText("Disabled");
  await expect(page.getByTestId("admin-user-sessions").locator("li")).toHaveCount(0);

  // The member's next call is refused, its refresh too: the tab lands on the sign-in page.
  await member.goto("/sessions");
  await expect(member).toHaveURL(/\/login$/);
  expect((await storedTokens(member)).refresh).toBeNull();
});

test("a signed-in user who is not staff sees the 403 page and no user data", async ({ page }) => {
  await watchForUserTable(page);
  await registerThroughUi(page, uniqueEmail("notstaff"));
  await expect(page.getByRole("link", { name: "Security" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Admin", exact: true })).toHaveCount(0);

  const refused = page.waitForResponse((response) => response.url().includes("/api/admin/users/"));
  await open(page, "/admin");
  expect((await refused).status()).toBe(403);
  await expect(page.getByTestId("forbidden")).toContainText("You do not have permission");
  await expect(page.getByTestId("admin-users")).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { sawUsers?: boolean }).sawUsers ?? false)).toBe(false);
});

test("a user downloads their data, deletes their account and cannot sign in again", async ({ page }) => {
  const email = uniqueEmail("leaving");
  await registerThroughUi(page, email);

  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download my data" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("gatehouse-export.json");
  const exported = JSON.parse(readFileSync(await file.path(), "utf8"));
  expect(exported.profile.email).toBe(email);

  await page.getByRole("button", { name: "Delete account…" }).click();
  const password = page.getByLabel("Your password, to confirm");
  await password.fill("not the password");
  await page.getByRole("button", { name: "Delete my account for good" }).click();
  await expect(page.locator("#delete_password-error")).toHaveText(
    "Your password was entered incorrectly. Please enter it again.",
  );
  await page.locator(".danger-zone").scrollIntoViewIfNeeded();
  await photograph(page, "profile-danger-zone");

  await password.fill(PASSWORD);
  await page.getByRole("button", { name: "Delete my account for good" }).click();
  await expect(page).toHaveURL(/\/login\?notice=account-deleted$/);
  await expect(page.getByRole("status").filter({ hasText: /\S/ })).toHaveText(
    "Your account was deleted, with everything it held.",
  );
  expect(await storedTokens(page)).toEqual({ access: null, refresh: null });

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("No active account found with the given credentials");
});
