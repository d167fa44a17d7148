// Second factors in the browser: an authenticator app set up on the Security page and asked
// for at sign-in (codes computed here from the secret, RFC 6238), a recovery code that works
// once, and a passkey made and used by Chromium's virtual authenticator (CDP WebAuthn domain).
import { type Page } from "@playwright/test";
import { generate } from "otplib";
import { baseURL } from "../playwright.config";
import { expect, test } from "./fixtures";
import {
  PASSWORD,
  failOnPageErrors,
  open,
  photograph,
  registerThroughUi,
  storedTokens,
  uniqueEmail,
} from "./helpers";

/** The authenticator app's code `stepsAhead` 30-second steps from now. */
async function appCode(secret: string, stepsAhead = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * stepsAhead });
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
}

async function enterPassword(page: Page, email: string): Promise<void> {
  await open(page, "/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Two-step verification" })).toBeVisible();
}

test("an authenticator app set up on the Security page is asked for at sign-in; a recovery code works once", async ({
  page,
}) => {
  failOnPageErrors(page);
  const email = uniqueEmail("totp");
  await registerThroughUi(page, email);

  await open(page, "/security");
  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  await expect(page.locator(".qr svg")).toBeVisible();
  const secret = (await page.getByTestId("totp-secret").textContent()) ?? "";
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  await photograph(page, "security-setup");
  await page.getByLabel("Code from the app").fill(await appCode(secret));
  await page.getByRole("button", { name: "Turn on" }).click();

  const codes = page.getByTestId("recovery-codes").locator("code");
  await expect(codes).toHaveCount(10);
  const recovery = await codes.allTextContents();
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download" }).click();
  expect((await download).suggestedFilename()).toBe("gatehouse-recovery-codes.txt");
  await photograph(page, "security-recovery-codes");
  await page.getByRole("button", { name: "I have saved them" }).click();
  await expect(page.getByTestId("recovery-codes-left")).toHaveText("10 recovery codes left.");

  // The password alone no longer signs in: the code step follows, and nothing is stored yet.
  await signOut(page);
  await enterPassword(page, email);
  expect((await storedTokens(page)).refresh).toBeNull();
  await photograph(page, "sign-in-code");
  // The next step's code: the one that confirmed the setup cannot be used twice (RFC 6238 §5.2).
  await page.getByLabel("Authentication code").fill(await appCode(secret, 1));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByTestId("profile-email")).toHaveText(email);

  for (const attempt of ["first", "again"]) {
    await signOut(page);
    await enterPassword(page, email);
    await page.getByRole("button", { name: "Use a recovery code instead" }).click();
    await page.getByLabel("Recovery code").fill(recovery[0]);
    await page.getByRole("button", { name: "Verify" }).click();
    if (attempt === "first") {
      await expect(page.getByTestId("profile-email")).toHaveText(email);
    } else {
      await expect(page.getByRole("alert")).toBeVisible();
      await expect(page.getByRole("heading", { name: "Two-step verification" })).toBeVisible();
    }
  }
});

test.describe("passkeys", () => {
  // WebAuthn needs a domain (not an IP address): the e2e server's relying party is localhost.
  test.use({ baseURL: baseURL.replace("127.0.0.1", "localhost") });

  test("a passkey added on the Security page signs in alone, and can be renamed and removed", async ({
    page,
  }) => {
    failOnPageErrors(page);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: {
        protocol: "ctap2",
        transport: "internal",
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    const email = uniqueEmail("passkey");
    await registerThroughUi(page, email);

    await open(page, "/security");
    await page.getByLabel("Name for a new passkey").fill("Laptop");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    const passkeys = page.getByTestId("passkeys").locator(".session");
    await expect(passkeys).toHaveCount(1);
    await expect(passkeys.first()).toContainText("Laptop");
    await passkeys.first().getByRole("button", { name: "Rename" }).click();
    await page.getByLabel("New name").fill("Work laptop");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(passkeys.first()).toContainText("Work laptop");
    await photograph(page, "security-passkeys");

    // No email, no password: the discoverable credential names the account.
    await signOut(page);
    await open(page, "/login");
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await expect(page.getByTestId("profile-email")).toHaveText(email);
    const access = (await storedTokens(page)).access ?? "";
    const claims = JSON.parse(Buffer.from(access.split(".")[1], "base64url").toString());
    expect(claims.amr).toContain("mfa");
    expect(claims.amr).not.toContain("pwd");

    await open(page, "/security");
    await expect(passkeys.first()).toContainText("last used");
    await passkeys.first().getByRole("button", { name: "Remove…" }).click();
    await passkeys.first().getByRole("button", { name: "Remove", exact: true }).click();
    await expect(passkeys).toHaveCount(0);
  });
});
