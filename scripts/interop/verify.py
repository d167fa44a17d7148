"""Verifies a Gatehouse token as another Python service would: PyJWT's PyJWKClient on the
server's JWKS URL (the key under the token's kid, its own `alg` only) and jwt.decode with the
expected issuer and audience. Prints "accepted" or "refused: <why>".

usage: python verify.py JWKS_URL ISSUER AUDIENCE TOKEN
"""

import sys

import jwt

jwks_url, issuer, audience, token = sys.argv[1:5]
try:
    key = jwt.PyJWKClient(jwks_url, cache_keys=False).get_signing_key_from_jwt(token)
    jwt.decode(
        token,
        key,
        algorithms=[key.algorithm_name],
        issuer=issuer,
        audience=audience,
        options={"require": ["exp", "iss", "aud"]},
    )
    print("accepted")
except jwt.exceptions.PyJWTError as error:
    print(f"refused: {type(error).__name__}")
