#!/usr/bin/env python3
"""Data for scripts/bench/sizing.sh, written straight into Gatehouse's SQLite file while no
server runs on it (schema: server/migrations/sqlite/). Standard library only.

  sizing.py fill DB TOTAL           grows the sessions table to TOTAL rows: live sessions (expiry
                                    days ahead, used within the hour) of filler accounts, four
                                    sessions each, as sign-ins would have left them
  sizing.py tokens DB SECRET N OUT  signs an "access refresh" pair (HS256, the server's claims)
                                    for N random live filler sessions, the refresh token being the
                                    session's current one, one pair a line, for sizing_refresh.lua
  sizing.py revoke DB | unrevoke DB revokes every filler session a minute ago (as a logout would:
                                    the server loads them into its in-memory revocation set at
                                    start, their access tokens being still unexpired), or undoes it
"""
import base64
import hashlib
import hmac
import json
import os
import random
import sqlite3
import sys
import time

SESSIONS_PER_USER = 4
FILLER = "fill"  # filler accounts' usernames and emails start with this
USER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/131.0.0.0 Safari/537.36")
# A real Argon2id PHC string's shape and length; nobody signs in as a filler account.
PASSWORD_HASH = "$argon2id$v=19$m=19456,t=2,p=1$" + "c2l6aW5nLWZpbGxlcg" + "$" + "A" * 43
DAY = 86_400


def connect(path):
    db = sqlite3.connect(path, isolation_level=None)
    # One bulk transaction; the server sets its own pragmas when it opens the file again.
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -262144")  # 256 MiB: random ids into a large B-tree
    return db


def close(db, path):
    """Closes `db` (SQLite folds the WAL into the file) and waits until the file is on disk:
    otherwise the server's first checkpoint fsync writes back the whole fill (at 1M sessions,
    ~400 MB), and that stall, not the table's size, is what its first run would measure."""
    db.close()
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def hex128():
    return "%032x" % random.getrandbits(128)


def fill(path, total):
    db = connect(path)
    have = db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
    missing = total - have
    if missing <= 0:
        return
    first = db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM users").fetchone()[0]
    values = {"count": missing, "users": -(-missing // SESSIONS_PER_USER), "first": first,
              "per_user": SESSIONS_PER_USER, "now": int(time.time()), "day": DAY,
              "ua": USER_AGENT, "hash": PASSWORD_HASH, "prefix": FILLER}
    # Rows made by SQLite itself (no Python per row): 1M sessions take ~10 s on an idle core.
    numbers = "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < :{})"
    db.execute("BEGIN")
    db.execute(numbers.format("users") + """
        INSERT INTO users (id, email, username, password_hash, date_joined)
        SELECT :first + i, :prefix || (:first + i) || '@example.com', :prefix || (:first + i),
               :hash, :now - 30 * :day FROM n""", values)
    # Signed in within the last day, used within the hour, ending a week after sign-in: live.
    db.execute(numbers.format("count") + """,
        r AS (SELECT i, lower(hex(randomblob(16))) AS h, :now - abs(random() % :day) AS created,
                     :now - abs(random() % 3600) AS used FROM n)
        INSERT INTO sessions (id, user_id, refresh_jti, access_jti, rotated_at, created_at,
                              last_used_at, expires_at, user_agent, ip)
        SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-'
                 || substr(h, 17, 4) || '-' || substr(h, 21),
               :first + i / :per_user, lower(hex(randomblob(16))), lower(hex(randomblob(16))),
               used, created, used, created + 7 * :day, :ua,
               '10.' || (i >> 16 & 255) || '.' || (i >> 8 & 255) || '.' || (i & 255)
        FROM r""", values)
    db.execute("COMMIT")
    close(db, path)


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(secret, claims):
    """HS256 as the server signs (server/src/auth/tokens.rs): kid = the first 8 bytes of
    SHA-256("gatehouse-kid:" + secret), in hex."""
    kid = hashlib.sha256(b"gatehouse-kid:" + secret).digest()[:8].hex()
    head = b64(json.dumps({"typ": "JWT", "alg": "HS256", "kid": kid}, separators=(",", ":")).encode())
    body = b64(json.dumps(claims, separators=(",", ":")).encode())
    mac = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(mac)}"


def tokens(path, secret, count, out):
    db = sqlite3.connect(path)
    top = db.execute("SELECT MAX(rowid) FROM sessions").fetchone()[0]
    picked, seen = [], set()
    now = int(time.time())
    # Random rowids: the sessions come from all over the table, not one hot corner of it.
    for _ in range(count * 50):
        if len(picked) == count:
            break
        rowid = random.randint(1, top)
        if rowid in seen:
            continue
        seen.add(rowid)
        row = db.execute(
            "SELECT s.id, s.user_id, s.refresh_jti, s.expires_at, u.email FROM sessions s"
            " JOIN users u ON u.id = s.user_id WHERE s.rowid = ? AND s.revoked_at IS NULL"
            " AND s.expires_at > ? AND u.username LIKE ?", (rowid, now + 3600, FILLER + "%")).fetchone()
        if row:
            picked.append(row)
    if len(picked) < count:
        sys.exit(f"only {len(picked)} live filler sessions found in {path}")
    key = secret.encode()
    with open(out, "w") as file:
        for sid, uid, refresh_jti, expires_at, email in picked:
            common = {"iat": now, "nbf": now, "user_id": uid, "sub": str(uid), "email": email, "sid": sid}
            access = sign(key, {"token_type": "access", "exp": now + 3600, "jti": hex128(), **common})
            refresh = sign(key, {"token_type": "refresh", "exp": expires_at, "jti": refresh_jti, **common})
            file.write(f"{access} {refresh}\n")


def revoke(path, undo):
    db = connect(path)
    fillers = "user_id IN (SELECT id FROM users WHERE username LIKE 'fill%')"
    if undo:
        db.execute(f"UPDATE sessions SET revoked_at = NULL, revoked_reason = NULL WHERE {fillers}")
    else:
        db.execute(f"UPDATE sessions SET revoked_at = ?, revoked_reason = 'logout' WHERE {fillers}",
                   (int(time.time()) - 60,))
    close(db, path)


command, args = sys.argv[1], sys.argv[2:]
if command == "fill":
    fill(args[0], int(args[1]))
elif command == "tokens":
    tokens(args[0], args[1], int(args[2]), args[3])
elif command in ("revoke", "unrevoke"):
    revoke(args[0], command == "unrevoke")
else:
    sys.exit(__doc__)
