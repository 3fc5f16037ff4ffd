#!/usr/bin/env python3
"""PostgreSQL restart drill (docs/deploy.md): `python3 scripts/pg-restart-drill.py`.

Starts `jixiao serve --demo` on a fresh PostgreSQL database, saves the demo draft again and again
over the API, restarts the PostgreSQL cluster in the middle (`pg_ctlcluster … restart`, as root),
and checks that
- every answer during the restart is 200 or a clean 503 (`db_unavailable` or `busy`), never a
  500 or a broken connection,
- saves succeed again after the restart without restarting jixiao (the pool reconnects),
- every acknowledged save is stored: the last acknowledged version is the form's version, and
  every acknowledged version reads back.
Prints the counts and how long saves failed. Outside CI: it restarts the machine's PostgreSQL.

Env: JIXIAO_BIN (default target/release/jixiao), JIXIAO_DRILL_PG (default
postgres://postgres@127.0.0.1:5432), JIXIAO_DRILL_CLUSTER (default: the first of pg_lsclusters).
"""

import importlib.util
import os
import subprocess
import sys
import threading
import time
import urllib.error

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("drill", os.path.join(HERE, "backup-drill.py"))
drill = importlib.util.module_from_spec(spec)
spec.loader.exec_module(drill)

PG = os.environ.get("JIXIAO_DRILL_PG", "postgres://postgres@127.0.0.1:5432")
DB = "jixiao_restart_drill"


def cluster():
    if os.environ.get("JIXIAO_DRILL_CLUSTER"):
        return os.environ["JIXIAO_DRILL_CLUSTER"].split()
    line = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True)
    version, name = line.stdout.split()[:2]
    return [version, name]


def psql(sql):
    subprocess.run(["psql", f"{PG}/postgres", "-q", "-c", sql], check=True)


def saves(port, stop, log):
    """Saves until `stop`; logs (time, status, code) of every attempt, retrying on 503."""
    s = drill.Session(port, "xingguo_filler")
    fid = next(f for f in s.call("GET", "/api/forms")[1] if f["status"] == "draft")["id"]
    cur = s.call("GET", f"/api/forms/{fid}")[1]
    version, form = cur["version"], cur["form"]
    n = 0
    while not stop.is_set():
        n += 1
        form["annual_tasks"][0] = f"重启演练第 {n} 次保存：" + form["annual_tasks"][0].split("：", 1)[-1]
        began = time.time()
        try:
            status, body = s.call("PUT", f"/api/forms/{fid}", {"base_version": version, "form": form})
            code = (body or {}).get("error", "") if isinstance(body, dict) else ""
        except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
            status, body, code = 0, None, str(e)
        log.append((time.time(), status, code, body.get("version") if status == 200 else None,
                    time.time() - began))
        if status == 200:
            version = body["version"]
        elif status == 503:
            time.sleep(0.2)
    return fid


def main():
    psql(f"DROP DATABASE IF EXISTS {DB}")
    psql(f"CREATE DATABASE {DB}")
    server = drill.Server(["--demo", "--database-url", f"{PG}/{DB}"])
    stop, log = threading.Event(), []
    t = threading.Thread(target=saves, args=(server.port, stop, log))
    t.start()
    time.sleep(3)
    restart_at = time.time()
    subprocess.run(["pg_ctlcluster", *cluster(), "restart"], check=True)
    restarted = time.time()
    time.sleep(5)
    stop.set()
    t.join()
    statuses = {}
    for _, status, code, _, _ in log:
        statuses[(status, code)] = statuses.get((status, code), 0) + 1
    bad = {k: v for k, v in statuses.items() if k[0] not in (200, 503)}
    failed = [x for x in log if x[1] != 200]
    ok_after = [x for x in log if x[1] == 200 and x[0] > restarted]
    print(f"saves attempted {len(log)}, acknowledged {sum(1 for x in log if x[1] == 200)}")
    answers = ", ".join(f"{s} {c or 'ok'}: {n}" for (s, c), n in sorted(statuses.items()))
    print(f"answers: {answers}")
    print(f"pg_ctlcluster restart took {restarted - restart_at:.1f} s")
    during = [x for x in log if restart_at <= x[0] - x[4] <= restarted or restart_at <= x[0] <= restarted]
    slowest = max(log, key=lambda x: x[4])
    print(f"{len(during)} saves started or ended during the restart; the slowest took {slowest[4]:.2f} s "
          f"(answer {slowest[1]}, ended +{slowest[0] - restart_at:.2f} s after the restart began)")
    if failed:
        print(f"saves failed from +{failed[0][0] - restart_at:.2f} s to +{failed[-1][0] - restart_at:.2f} s "
              f"after the restart began ({len(failed)} answers)")
    if bad:
        sys.exit(f"FAIL: answers other than 200 or 503: {bad}")
    if not ok_after:
        sys.exit("FAIL: no save succeeded after the restart")
    acked = [x[3] for x in log if x[1] == 200]
    s = drill.Session(server.port, "xingguo_filler")
    fid = next(f for f in s.call("GET", "/api/forms")[1] if f["status"] == "draft")["id"]
    current = s.call("GET", f"/api/forms/{fid}")[1]["version"]
    if current != acked[-1]:
        sys.exit(f"FAIL: the form is at version {current}, the last acknowledged save was {acked[-1]}")
    versions = {v["version"] for v in s.call("GET", f"/api/forms/{fid}/versions")[1]}
    missing = [v for v in acked if v not in versions]
    if missing:
        sys.exit(f"FAIL: acknowledged versions missing: {missing[:10]}")
    print(f"ok: {len(acked)} acknowledged saves all stored; the form is at version {current}; "
          f"jixiao kept running and reconnected")
    server.stop()
    psql(f"DROP DATABASE IF EXISTS {DB}")


if __name__ == "__main__":
    main()
