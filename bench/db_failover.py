"""Database failover drill: signed-in pages under load while PostgreSQL's connections are killed.

    .venv/bin/python bench/db_failover.py            # 20 s of kills, then 10 s without

Serves the app with gunicorn as in production (3 sync workers, persistent connections with
CONN_MAX_AGE=600 and Django's CONN_HEALTH_CHECKS, DEBUG off) on its own database
(copractice_bench_failover, demo data), logs in as the demo coordinator and loads the meetings
list and the dashboard from 6 threads. During the first phase, every 0.5 s, every connection the
app holds is terminated (`pg_terminate_backend`), as a database restart or a failover does;
the second phase has no kills. Prints the answers of each phase by HTTP status: a request whose
query was cut mid-flight may fail, but a dead idle connection must never be handed to a request,
so after the kills stop every answer is a 200.
"""

import collections
import http.cookiejar
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import BASE, BIN, HOST, PG, ROOT, django_env, ensure_database, manage

SIZE = "failover"
DATABASE = f"copractice_bench_{SIZE}"
KILL_SECONDS, CALM_SECONDS, THREADS = 20, 10, 6


def log_in(email: str, password: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    url = f"{BASE}/accounts/login/"
    html = opener.open(url, timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = {"login": email, "password": password, "csrfmiddlewaretoken": token}
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(form).encode(), headers={"Referer": url}
    )
    opener.open(request, timeout=30).read()
    if not any(c.name == "sessionid" for c in jar):
        sys.exit(f"Could not log in as {email}")
    return opener


def kill_connections() -> int:
    sql = (
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        f"WHERE datname = '{DATABASE}' AND pid <> pg_backend_pid()"
    )
    out = subprocess.run(
        ["psql", f"{PG}/postgres", "-tAc", sql], capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip() or 0)


def main() -> None:
    ensure_database(SIZE)
    manage(SIZE, "migrate", "--noinput", "-v0")
    manage(SIZE, "seed_demo")
    manage(SIZE, "collectstatic", "--noinput", "-v0")
    log = open(ROOT / "var" / "bench-failover-gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "copractice.wsgi", "-w", "3", "-b", BASE.removeprefix("http://")],
        cwd=ROOT,
        env=django_env(SIZE, BENCH_FLOOR="false"),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            time.sleep(0.2)
            try:
                urllib.request.urlopen(f"{BASE}/health/", timeout=2)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                continue
        opener = log_in("coordinator@example.edu", "copractice-demo")
        paths = ["/c/riverside/meetings/", "/c/riverside/dashboard/"]
        phase = ["kills"]
        counts = {"kills": collections.Counter(), "calm": collections.Counter()}
        stop = threading.Event()

        def load(n: int) -> None:
            i = n
            while not stop.is_set():
                current = phase[0]
                try:
                    with opener.open(f"{BASE}{paths[i % 2]}", timeout=30) as response:
                        status = response.status
                except urllib.error.HTTPError as error:
                    status = error.code
                except OSError:
                    status = "no answer"
                counts[current][status] += 1
                i += 1

        threads = [threading.Thread(target=load, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        killed, deadline = 0, time.monotonic() + KILL_SECONDS
        while time.monotonic() < deadline:
            killed += kill_connections()
            time.sleep(0.5)
        phase[0] = "calm"
        time.sleep(CALM_SECONDS)
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait()
    print(f"{HOST}: {killed} connections terminated in {KILL_SECONDS} s")
    for name, counter in counts.items():
        total = sum(counter.values())
        detail = ", ".join(f"{status}: {n}" for status, n in sorted(counter.items(), key=str))
        print(f"{name:>5}: {total} requests — {detail}")
    calm = counts["calm"]
    print("PASS" if calm and set(calm) == {200} else "MISS: an answer other than 200 after kills")


if __name__ == "__main__":
    main()
