"""Rewrites one member of a JWT's header, keeping its claims and signature, for the interop
check's forged tokens (a swapped `alg`, an unknown `kid`).

usage: python3 tamper.py TOKEN MEMBER VALUE
"""

import base64
import json
import sys

token, member, value = sys.argv[1:4]
header, rest = token.split(".", 1)
decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
decoded[member] = value
encoded = base64.urlsafe_b64encode(json.dumps(decoded, separators=(",", ":")).encode())
print(encoded.rstrip(b"=").decode() + "." + rest)
