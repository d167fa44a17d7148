// Client-side navigation keeps the browser's history: links add entries, back and forward
// return to the pages (the 404 page included) without reloading the document.
import { expect, test } from "./fixtures";
import { open } from "./helpers";

type Marked = { __sameDocument?: boolean };

test("links, back and forward move between pages without a reload", async ({ page }) => {
  await open(page, "/login");
  await page.evaluate(() => ((window as unknown as Marked).__sameDocument = true));

  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page.getByRole("button", { name: "Create account" })).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
  await page.goForward();
  await expect(page).toHaveURL(/\/register$/);
  await expect(page.getByRole("button", { name: "Create account" })).toBeVisible();

  expect(await page.evaluate(() => (window as unknown as Marked).__sameDocument)).toBe(true);
});

test("back from the sign-in page returns to the 404 page that linked to it", async ({ page }) => {
  await open(page, "/no-such-page");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();

  // Signed out, the account link ends on the sign-in page.
  await page.getByRole("link", { name: "Go to your account" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goBack();

  await expect(page).toHaveURL(/\/no-such-page$/);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
