#!/usr/bin/env python3
"""Creates the benchmark account on a server (Gatehouse or the peer; both speak seed 004's API)
unless it exists, then signs it in COUNT times and writes one "access refresh" line per session
to OUT, for the wrk scripts. Standard library only."""
import json
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

base, email, password, count, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]


def post(path, body):
    request = urllib.request.Request(f"{base}{path}", json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


status, body = post("/api/register/", {"email": email, "username": email.split("@")[0],
                                       "password": password, "password2": password})
# 400 is the second call's "already registered".
if status not in (201, 400):
    sys.exit(f"register on {base}: {status} {body}")


def sign_in(_):
    status, body = post("/api/login/", {"email": email, "password": password})
    if status != 200:
        sys.exit(f"login on {base}: {status} {body}")
    return f"{body['tokens']['access']} {body['tokens']['refresh']}\n"


# A few at a time: the peer has one worker per core and each sign-in is a password hash.
with ThreadPoolExecutor(4) as pool:
    lines = list(pool.map(sign_in, range(count)))
with open(out, "w") as file:
    file.writelines(lines)
