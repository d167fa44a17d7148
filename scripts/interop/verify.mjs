// Verifies a Gatehouse token as another Node service would: Node `jose` (end2end/node_modules,
// pinned by its package-lock.json) with createRemoteJWKSet on the server's JWKS URL and
// jwtVerify with the expected issuer and audience. Prints "accepted" or "refused: <why>".
//
// usage: node verify.mjs JWKS_URL ISSUER AUDIENCE TOKEN
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [jwksUrl, issuer, audience, token] = process.argv.slice(2);
const nodeModules = new URL("../../end2end/package.json", import.meta.url);
const jose = await import(pathToFileURL(createRequire(nodeModules).resolve("jose")).href);

const jwks = jose.createRemoteJWKSet(new URL(jwksUrl));
try {
  // The key the JWKS lists under the token's kid decides the algorithm (its `alg`).
  await jose.jwtVerify(token, jwks, { issuer, audience, requiredClaims: ["exp", "iss", "aud"] });
  console.log("accepted");
} catch (error) {
  console.log(`refused: ${error.code ?? error.name}`);
}
