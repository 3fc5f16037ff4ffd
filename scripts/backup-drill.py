#!/usr/bin/env python3
"""Backup and restore drill (docs/deploy.md): `scripts/backup-drill.sh sqlite|postgres`.

sqlite:   starts `jixiao serve --demo` on a fresh data directory, saves the demo form again and
          again over the API while `jixiao backup` copies the database three times, stops the
          server, restores the last copy into a new data directory (as an operator would), starts
          jixiao on it and checks that
          - every form version in the copy is byte for byte the one in the live database (versions
            are append-only, so a consistent snapshot holds a prefix of them), and
          - every form the filler can read through the restored server has the SHA-256 of the
            copy's stored JSON.
postgres: the same with `pg_dump -Fc` during the saves and `pg_restore` into a fresh database.

Prints one line per check and the counts; exits non-zero on the first difference.
"""

import hashlib
import http.cookiejar
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

BIN = os.environ.get("JIXIAO_BIN", "target/release/jixiao")
PG = os.environ.get("JIXIAO_DRILL_PG", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "jixiao-demo-2026"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, args, env=None):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [BIN, "serve", "--listen", f"127.0.0.1:{self.port}", *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})},
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1)
                return
            except OSError:
                if self.proc.poll() is not None:
                    sys.exit(f"jixiao stopped: {self.proc.stderr.read().decode()}")
                time.sleep(0.1)
        sys.exit("jixiao did not start in 30 s")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)


class Session:
    def __init__(self, port, user):
        self.base = f"http://127.0.0.1:{port}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.call("POST", "/api/login", {"username": user, "password": PASSWORD})
        self.csrf = next(c.value for c in self.jar if c.name == "jixiao_csrf")

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if getattr(self, "csrf", None):
            req.add_header("X-CSRF-Token", self.csrf)
        try:
            with self.opener.open(req, timeout=30) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")


def digest(form):
    return hashlib.sha256(json.dumps(form, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def saves(port, stop, acked):
    """Saves the filler's draft again and again until `stop` is set; counts acknowledged saves."""
    s = Session(port, "xingguo_filler")
    forms = s.call("GET", "/api/forms")[1]
    draft = next(f for f in forms if f["status"] == "draft")
    fid = draft["id"]
    cur = s.call("GET", f"/api/forms/{fid}")[1]
    version, form = cur["version"], cur["form"]
    n = 0
    while not stop.is_set():
        n += 1
        form["annual_tasks"][0] = f"演练第 {n} 次保存：" + form["annual_tasks"][0].split("：", 1)[-1]
        status, body = s.call("PUT", f"/api/forms/{fid}", {"base_version": version, "form": form})
        if status != 200:
            sys.exit(f"save {n} failed: {status} {body}")
        version = body["version"]
        acked.append(version)


def check_restored(port, stored):
    """Every form the filler reads through the restored server matches the stored JSON."""
    s = Session(port, "xingguo_filler")
    forms = s.call("GET", "/api/forms")[1]
    checked = 0
    for f in forms:
        for v in s.call("GET", f"/api/forms/{f['id']}/versions")[1]:
            status, body = s.call("GET", f"/api/forms/{f['id']}/versions/{v['version']}")
            if status != 200:
                sys.exit(f"form {f['id']} v{v['version']}: {status}")
            want = stored.get((f["id"], v["version"]))
            if want is None:
                sys.exit(f"form {f['id']} v{v['version']} served but not in the copy")
            if digest(body["form"]) != digest(json.loads(want)):
                sys.exit(f"form {f['id']} v{v['version']}: content differs after restore")
            checked += 1
    return checked


def drill_sqlite():
    work = tempfile.mkdtemp(prefix="jixiao-drill-")
    live = os.path.join(work, "live")
    server = Server(["--demo", "--data", live])
    stop, acked = threading.Event(), []
    t = threading.Thread(target=saves, args=(server.port, stop, acked))
    t.start()
    copies = []
    for i in range(3):
        time.sleep(1)
        out = os.path.join(work, f"copy-{i}.db")
        subprocess.run([BIN, "backup", "--data", live, out], check=True, capture_output=True)
        copies.append((out, len(acked)))
    stop.set()
    t.join()
    server.stop()
    print(f"sqlite: {len(acked)} saves acknowledged; 3 copies taken during them "
          f"(after {', '.join(str(c[1]) for c in copies)} saves)")

    copy = copies[-1][0]
    restored = os.path.join(work, "restored")
    os.makedirs(restored)
    subprocess.run(["cp", copy, os.path.join(restored, "jixiao.db")], check=True)

    def versions(path):
        with sqlite3.connect(path) as c:
            return {(f, v): j for f, v, j in c.execute(
                "SELECT form_id, version, form_json FROM form_versions")}

    in_copy, in_live = versions(copy), versions(os.path.join(live, "jixiao.db"))
    for key, text in in_copy.items():
        if in_live.get(key) != text:
            sys.exit(f"sqlite: form {key[0]} v{key[1]} of the copy differs from the live database")
    print(f"sqlite: the copy holds {len(in_copy)} of the {len(in_live)} form versions, each "
          "identical to the live one")
    server = Server(["--data", restored])
    checked = check_restored(server.port, in_copy)
    server.stop()
    print(f"sqlite: restored server started; {checked} form versions read back with the same SHA-256")


def psql(db, sql):
    return subprocess.run(["psql", f"{PG}/{db}", "-v", "ON_ERROR_STOP=1", "-Atc", sql],
                          check=True, capture_output=True, text=True).stdout


def drill_postgres():
    src, dst = f"jixiao_drill_{os.getpid()}", f"jixiao_drill_{os.getpid()}_restored"
    for db in (src, dst):
        psql("postgres", f"DROP DATABASE IF EXISTS {db}")
        psql("postgres", f"CREATE DATABASE {db}")
    work = tempfile.mkdtemp(prefix="jixiao-drill-pg-")
    try:
        server = Server(["--demo", "--database-url", f"{PG}/{src}", "--data", work])
        stop, acked = threading.Event(), []
        t = threading.Thread(target=saves, args=(server.port, stop, acked))
        t.start()
        time.sleep(2)
        dump = os.path.join(work, "jixiao.dump")
        subprocess.run(["pg_dump", "-Fc", "-f", dump, f"{PG}/{src}"], check=True)
        at_dump = len(acked)
        time.sleep(1)
        stop.set()
        t.join()
        server.stop()
        print(f"postgres: {len(acked)} saves acknowledged; pg_dump taken after {at_dump}")
        subprocess.run(["pg_restore", "--no-owner", "-d", f"{PG}/{dst}", dump], check=True)
        query = "SELECT form_id || ' ' || version || ' ' || md5(form_json) FROM form_versions"
        live = set(psql(src, query).splitlines())
        restored_rows = psql(dst, query).splitlines()
        differ = [r for r in restored_rows if r not in live]
        if differ:
            sys.exit(f"postgres: restored versions differ from the live database: {differ[:3]}")
        print(f"postgres: the restored database holds {len(restored_rows)} form versions, each "
              "identical to the live one")
        stored = {}
        for line in psql(dst, "SELECT form_id, version, form_json FROM form_versions").splitlines():
            f, v, j = line.split("|", 2)
            stored[(int(f), int(v))] = j
        server = Server(["--database-url", f"{PG}/{dst}", "--data", work])
        checked = check_restored(server.port, stored)
        server.stop()
        print(f"postgres: restored server started; {checked} form versions read back with the "
              "same SHA-256")
    finally:
        for db in (src, dst):
            psql("postgres", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


if __name__ == "__main__":
    which = sys.argv[1:] or ["sqlite", "postgres"]
    for w in which:
        {"sqlite": drill_sqlite, "postgres": drill_postgres}[w]()
    print("drill passed")
