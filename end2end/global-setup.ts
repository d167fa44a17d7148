// `cargo leptos end-to-end` starts the server but does not wait for its port: wait here.
import { baseURL } from "./playwright.config";

export default async function waitForServer(): Promise<void> {
  const deadline = Date.now() + 120_000;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseURL}/login`);
      if (response.ok) return;
      lastError = new Error(`status ${response.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`server at ${baseURL} did not come up: ${lastError}`);
}
