// Account email: the password reset, verification and change of address, through the mail the
// server really sends (to the SMTP sink the Makefile starts), and the sign-up and sign-in of
// `EMAIL_VERIFICATION=mandatory`.
import { baseURL } from "../playwright.config";
import { expect, test } from "./fixtures";
import {
  PASSWORD,
  failOnPageErrors,
  mailedLinks,
  open,
  photograph,
  registerThroughApi,
  registerThroughUi,
  signInThroughUi,
  statusMessage,
  storedTokens,
  uniqueEmail,
} from "./helpers";

test.beforeEach(({ page }) => failOnPageErrors(page));

test("a forgotten password is reset from the mailed link, and every session ends", async ({
  browser,
  page,
  request,
}) => {
  const email = uniqueEmail("reset");
  await registerThroughApi(request, email);
  const other = await (await browser.newContext()).newPage();
  await signInThroughUi(other, email);

  await open(page, "/login");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(statusMessage(page)).toContainText("Check your inbox");

  const [link] = await mailedLinks(email, "/reset-password");
  expect(link.startsWith(`${baseURL}/reset-password?token=`), link).toBe(true);
  await open(page, link);
  const newPassword = "a passphrase from the mail";
  await page.getByLabel("New password", { exact: true }).fill(newPassword);
  await page.getByLabel("Confirm new password").fill(newPassword);
  await page.getByRole("button", { name: "Set new password" }).click();

  await expect(page).toHaveURL(/\/login\?notice=password-reset$/);
  await expect(statusMessage(page)).toHaveText("Your password was changed; sign in with the new one.");
  await signInThroughUi(page, email, newPassword);
  // The device signed in before the reset is refused at its next call.
  await other.reload();
  await expect(other).toHaveURL(/\/login$/);
});

test("the mailed link verifies the address and the banner goes away", async ({ page }) => {
  const email = uniqueEmail("verify");
  await registerThroughUi(page, email);
  const banner = page.getByRole("region", { name: "Email verification" });
  await expect(banner).toContainText(email);

  const [link] = await mailedLinks(email, "/verify-email");
  expect(link.startsWith(`${baseURL}/verify-email?token=`), link).toBe(true);
  await open(page, link);

  await expect(statusMessage(page)).toHaveText("Your email address is verified.");
  await expect(banner).toHaveCount(0);
  await page.setViewportSize({ width: 1000, height: 720 });
  await photograph(page, "verify-email");
  await page.getByRole("link", { name: "Go to your account" }).click();
  await expect(page.getByTestId("profile-email")).toHaveText(email);
  await expect(banner).toHaveCount(0);
});

test("a new address takes over once the link mailed to it is opened", async ({ page }) => {
  const email = uniqueEmail("change");
  const newEmail = uniqueEmail("changed");
  await registerThroughUi(page, email);

  await page.getByLabel("New email address").fill(newEmail);
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByRole("button", { name: "Change email" }).click();
  await expect(page.getByText("Check your new inbox")).toContainText(newEmail);

  const [link] = await mailedLinks(newEmail, "/confirm-email");
  await open(page, link);
  await expect(statusMessage(page)).toContainText("Your email address was changed.");
  await open(page, "/");
  await expect(page.getByTestId("profile-email")).toHaveText(newEmail);
  await expect(page.getByRole("region", { name: "Email verification" })).toHaveCount(0);
});

// The e2e server runs with the default `EMAIL_VERIFICATION=optional`: the answers of the
// mandatory mode are played by the browser here, as the API suite checks the server's side.
test("with mandatory verification, sign-up asks to verify and sign-in offers a new mail", async ({ page }) => {
  const email = uniqueEmail("mandatory");
  const user = {
    id: 1,
    email,
    username: "mandatory",
    first_name: "",
    last_name: "",
    date_joined: "2026-01-01T00:00:00Z",
    email_verified: false,
    is_active: true,
    is_staff: false,
  };
  await page.route("**/api/register/", (route) =>
    route.fulfill({ status: 201, json: { user, detail: "Verification e-mail sent." } }),
  );
  await page.route("**/api/login/", (route) =>
    route.fulfill({
      status: 403,
      json: { detail: "Your email address is not verified.", code: "email_not_verified" },
    }),
  );
  const resent: unknown[] = [];
  await page.route("**/api/email/verify/resend/", (route) => {
    resent.push(route.request().postDataJSON());
    return route.fulfill({ status: 200, json: { detail: "Sent." } });
  });

  await open(page, "/register");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Username").fill("mandatory");
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Confirm password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  // No session yet: the sign-in page asks for the mailed link first.
  await expect(page).toHaveURL(/\/login\?notice=verify-email$/);
  await expect(statusMessage(page)).toContainText("Check your inbox to verify your address");
  expect(await storedTokens(page)).toEqual({ access: null, refresh: null });

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("Your email address is not verified.");
  await page.getByRole("button", { name: "Resend the verification mail" }).click();
  await expect(page.getByRole("status").filter({ hasText: "A new link is on its way." })).toBeVisible();
  expect(resent).toEqual([{ email }]);
  await expect(page).toHaveURL(/\/login\?notice=verify-email$/);
});
