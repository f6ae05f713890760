"""Benchmark: the busiest pages under load, at a realistic size and at ten times it.

    make bench                       # both sizes, 30 s per page
    BENCH_SIZES=campus BENCH_DURATION=10 make bench

For each size (campus: 1 campus x 200 members x 60 meetings; network: 20 such campuses, about
240,000 attendance rows) on its own PostgreSQL database (copractice_bench_<size> on
127.0.0.1:5432, user postgres): migrate and seed once (`manage.py seed_bench`), count each
page's queries in-process (Django's test client and CaptureQueriesContext) and EXPLAIN the
heaviest ones, serve the app with gunicorn as in production (DEBUG off, 3 sync workers,
persistent connections, manifest static files), log in through the real login form as a
coordinator and as a peer supporter, and drive each page with wrk (20 connections, a warm-up,
then BENCH_DURATION seconds, a pause between runs). Prints one table per size, the EXPLAIN of
the heaviest queries, the workers' resident memory, and PASS/MISS per target:

- campus size: every page serves at least half the floor's requests/s with a p95 no more than
  twice the floor's (the floor is one indexed query through the same middleware). A second
  reference, the layout, is the cheapest page a signed-in coordinator can be shown (the campus
  layout with an empty body, behind the same login, session and campus checks): what every
  page costs before its own content;
- network size: each page's p95 is within 1.5x of its campus-size p95, and none of the heaviest
  queries sequentially scans a large table;
- a gunicorn worker's resident memory stays under 150 MB after the run.

Results are also written to var/bench/ (JSON per size, EXPLAIN plans, the query log).
"""

import datetime as dt
import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python") if (BIN / "python").exists() else sys.executable
OUT = ROOT / "var" / "bench"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_PORT", "8111"))
BASE = f"http://{HOST}:{PORT}"
SIZES = os.environ.get("BENCH_SIZES", "campus network").replace(",", " ").split()
DURATION = int(os.environ.get("BENCH_DURATION", "30"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "5"))
PAUSE = int(os.environ.get("BENCH_PAUSE", "5"))
CONNECTIONS, THREADS, WORKERS = 20, 2, 3
LARGE_TABLES = ("meetings_attendance", "meetings_meeting", "members_membership")
RSS_LIMIT_MB = 150
# One year of attendance, fixed so that the export is the same size whenever the bench runs.
EXPORT_RANGE = "start=2025-11-01&end=2026-10-31"


def django_env(size: str, **extra) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"{PG}/copractice_bench_{size}",
        "CONN_MAX_AGE": "600",
        "DEBUG": "false",
        "SECRET_KEY": "bench-not-secret-" + "x" * 40,
        "SITE_URL": "https://bench.copractice.example",
        "DEFAULT_FROM_EMAIL": "CoPractice <bench@copractice.example>",
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "BENCH_FLOOR": "true",
        "CELERY_BROKER_URL": "memory://",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def manage(size: str, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=django_env(size), check=True)


def ensure_database(size: str) -> None:
    name = f"copractice_bench_{size}"
    exists = subprocess.run(
        ["psql", f"{PG}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run(["createdb", "-h", HOST, "-U", "postgres", name], check=True)


# --- in-process: targets, query counts, EXPLAIN ------------------------------------------
def pages(t: dict) -> list[dict]:
    """What to load, as whom. `t` holds the campus, the meeting and the feed token (probe)."""
    c, m = t["campus"], t["meeting"]
    return [
        {"page": "floor", "as": "coordinator", "path": "/bench/floor/"},
        {"page": "layout (reference)", "as": "coordinator", "path": f"/bench/layout/c/{c}/"},
        {"page": "meetings list", "as": "coordinator", "path": f"/c/{c}/meetings/"},
        {"page": "meeting page", "as": "coordinator", "path": f"/c/{c}/meetings/{m}/"},
        {"page": "roster", "as": "coordinator", "path": f"/c/{c}/meetings/{m}/roster/"},
        {"page": "coordinator dashboard", "as": "coordinator", "path": f"/c/{c}/dashboard/"},
        {"page": "peer page", "as": "peer", "path": f"/c/{c}/me/"},
        {"page": "calendar feed", "as": None, "path": f"/calendar/{t['feed_token']}.ics"},
        {
            "page": "attendance CSV",
            "as": "coordinator",
            "path": f"/c/{c}/exports/attendance.csv?{EXPORT_RANGE}",
        },
    ]


def probe() -> None:
    """Run inside Django (a subprocess with the size's environment): print JSON with the pages
    to load, each one's query count, response size and its heaviest queries' EXPLAIN."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copractice.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from meetings.models import Meeting
    from members.models import Campus, Membership

    campus = Campus.objects.get(slug="bench-1")
    memberships = Membership.objects.filter(campus=campus).select_related("user")
    coordinator = memberships.filter(role="coordinator").order_by("pk").first().user
    peer = memberships.filter(role="peer_supporter").order_by("pk").first().user
    meeting = (
        Meeting.objects.filter(campus=campus, starts_at__lt=timezone.now(), minutes__isnull=False)
        .order_by("-starts_at")
        .first()
    )
    targets = {
        "campus": campus.slug,
        "meeting": meeting.pk,
        "feed_token": peer.calendar_feed.token,
        "coordinator": coordinator.email,
        "peer": peer.email,
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM meetings_attendance")
        targets["attendances"] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM members_campus")
        targets["campuses"] = cursor.fetchone()[0]
    clients = {None: Client()}
    for role, user in (("coordinator", coordinator), ("peer", peer)):
        clients[role] = Client()
        clients[role].force_login(user)
    results = []
    for page in pages(targets):
        client = clients[page["as"]]
        client.get(page["path"])  # the first request sets the current campus in the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page["path"])
        body = b"".join(response) if response.streaming else response.content
        heaviest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
        plans = []
        for query in heaviest:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN " + query["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
            seq = sorted({t for t in LARGE_TABLES if re.search(rf"Seq Scan on {t}\b", plan)})
            plans.append({"sql": query["sql"], "ms": float(query["time"]) * 1000, "plan": plan})
            plans[-1]["seq_scans"] = seq
        results.append(
            {
                **page,
                "status": response.status_code,
                "queries": len(queries),
                "bytes": len(body),
                "sql": [q["sql"] for q in queries.captured_queries],
                "heaviest": plans,
            }
        )
    print(json.dumps({"targets": targets, "pages": results}))


def run_probe(size: str) -> dict:
    env = django_env(size, ALLOWED_HOSTS=f"{HOST},testserver")
    out = subprocess.run(
        [PYTHON, __file__, "probe"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode:
        sys.exit(f"The probe failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- over HTTP: gunicorn, login, wrk --------------------------------------------------------
def start_gunicorn(size: str, log) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "copractice.wsgi",
            "-w",
            str(WORKERS),
            "-b",
            f"{HOST}:{PORT}",
            "--worker-class",
            "sync",
        ],
        cwd=ROOT,
        env=django_env(size),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(100):
        time.sleep(0.2)
        if server.poll() is not None:
            sys.exit(f"gunicorn exited ({server.returncode}); see {log.name}")
        try:
            with urllib.request.urlopen(f"{BASE}/bench/floor/", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            continue
    server.terminate()
    sys.exit(f"gunicorn did not answer on {BASE}; see {log.name}")


def log_in(email: str) -> str:
    """Log in through allauth's form, as a browser would; return the session cookie."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    url = f"{BASE}/accounts/login/"
    html = opener.open(url, timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = {"login": email, "password": "copractice-bench", "csrfmiddlewaretoken": token}
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(form).encode(), headers={"Referer": url}
    )
    opener.open(request, timeout=30).read()
    session = next((c.value for c in jar if c.name == "sessionid"), None)
    if not session:
        sys.exit(f"Could not log in as {email}")
    return session


def wrk(url: str, seconds: int, cookie: str | None, report: bool) -> dict | None:
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: sessionid={cookie}"]
    if report:
        command += ["-s", str(ROOT / "bench" / "report.lua")]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    if not report:
        return None
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    values = dict(item.split("=") for item in line.split()[1:])
    return {
        "requests": int(values["requests"]),
        "rps": float(values["rps"]),
        "p50_ms": int(values["p50_us"]) / 1000,
        "p95_ms": int(values["p95_us"]) / 1000,
        "p99_ms": int(values["p99_us"]) / 1000,
        "errors": int(values["status_errors"]) + int(values["socket_errors"]),
    }


TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def process_ticks(pids: list[int]) -> int:
    """User + system CPU of these processes so far, in clock ticks."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total


def machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine so far."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def children(parent: int) -> list[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(parent)], capture_output=True, text=True
    )
    return [int(pid) for pid in out.stdout.split()]


def database_backends(size: str) -> list[int]:
    out = subprocess.run(["ps", "-eo", "pid=,args="], capture_output=True, text=True).stdout
    return [
        int(line.split()[0])
        for line in out.splitlines()
        if f"copractice_bench_{size} " in line and "postgres:" in line
    ]


def measured(url: str, cookie: str | None, server: subprocess.Popen, size: str) -> dict:
    """One wrk run, with where the CPU went: the gunicorn workers' CPU per request (the cost of
    a page, whatever else shares the cores), PostgreSQL's, and whether other processes on the
    machine took CPU during the run (then req/s and latencies understate the app)."""
    workers, backends = children(server.pid), database_backends(size)
    app, db, wrk_before = process_ticks(workers), process_ticks(backends), os.times()
    busy, total = machine_ticks()
    result = wrk(url, DURATION, cookie, report=True)
    after = os.times()
    busy, total = machine_ticks()[0] - busy, machine_ticks()[1] - total
    app, db = process_ticks(workers) - app, process_ticks(backends) - db
    wrk_ticks = (
        (
            after.children_user
            + after.children_system
            - wrk_before.children_user
            - wrk_before.children_system
        )
        * 1000
        / TICK_MS
    )
    result["app_cpu_ms"] = app * TICK_MS / max(result["requests"], 1)
    result["db_cpu_ms"] = db * TICK_MS / max(result["requests"], 1)
    result["other_load"] = max(0.0, (busy - app - db - wrk_ticks) / max(total, 1))
    return result


def worker_rss_mb(master: int) -> list[float]:
    out = subprocess.run(
        ["ps", "-o", "rss=", "--ppid", str(master)], capture_output=True, text=True
    ).stdout
    return [int(kb) / 1024 for kb in out.split()]


def bench_size(size: str) -> dict:
    print(f"\n=== {size} size ===", flush=True)
    ensure_database(size)
    manage(size, "migrate", "--noinput", "-v", "0")
    manage(size, "seed_bench", "--size", size)
    # Planner statistics as on a database in service (autovacuum may not have run yet).
    subprocess.run(["psql", f"{PG}/copractice_bench_{size}", "-qc", "ANALYZE"], check=True)
    probed = run_probe(size)
    t = probed["targets"]
    print(f"{t['campuses']} campuses, {t['attendances']:,} attendance rows", flush=True)
    for page in probed["pages"]:
        if page["status"] != 200:
            sys.exit(f"{page['page']} answered {page['status']} in the probe")
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / f"gunicorn-{size}.log", "w") as log:
        server = start_gunicorn(size, log)
        try:
            cookies = {"coordinator": log_in(t["coordinator"]), "peer": log_in(t["peer"]), None: ""}
            for page in probed["pages"]:
                url, cookie = BASE + page["path"], cookies[page["as"]]
                print(f"  {page['page']:<24}", end="", flush=True)
                wrk(url, WARMUP, cookie, report=False)
                time.sleep(PAUSE)
                page.update(measured(url, cookie, server, size))
                print(
                    f"{page['rps']:8.1f} req/s  p95 {page['p95_ms']:7.1f} ms  "
                    f"{page['app_cpu_ms']:6.1f} ms app CPU/request  "
                    f"other load {page['other_load']:.0%}",
                    flush=True,
                )
                time.sleep(PAUSE)
            rss = worker_rss_mb(server.pid)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    result = {
        "size": size,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "duration": DURATION,
        "targets": t,
        "pages": probed["pages"],
        "worker_rss_mb": rss,
    }
    (OUT / f"results-{size}.json").write_text(json.dumps(result, indent=1))
    with open(OUT / f"queries-{size}.txt", "w") as log:
        for page in probed["pages"]:
            log.write(f"## {page['page']} ({page['queries']} queries)\n")
            log.writelines(f"{sql}\n" for sql in page["sql"])
            log.write("\n")
    return result


# --- report ---------------------------------------------------------------------------------
def table(result: dict) -> str:
    floor = result["pages"][0]
    lines = [
        "| page | queries | bytes | p50 ms | p95 ms | req/s | req/s ÷ floor | p95 ÷ floor "
        "| app CPU ms/req | db CPU ms/req | other load |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for p in result["pages"]:
        errors = f" ({p['errors']} errors)" if p["errors"] else ""
        lines.append(
            f"| {p['page']}{errors} | {p['queries']} | {p['bytes']:,} | {p['p50_ms']:.1f} "
            f"| {p['p95_ms']:.1f} | {p['rps']:.0f} | {p['rps'] / floor['rps']:.2f} "
            f"| {p['p95_ms'] / floor['p95_ms']:.1f} | {p.get('app_cpu_ms', 0):.1f} "
            f"| {p.get('db_cpu_ms', 0):.1f} | {p.get('other_load', 0):.0%} |"
        )
    return "\n".join(lines)


def explain(result: dict) -> str:
    lines = []
    for page in result["pages"]:
        for n, query in enumerate(page["heaviest"]):
            flag = ", ".join(f"Seq Scan on {t}" for t in query["seq_scans"]) or "no seq scan"
            lines.append(f"-- {page['page']} #{n + 1}: {query['ms']:.1f} ms in-process, {flag}")
            if n == 0:
                lines.append(query["sql"])
                lines.append(query["plan"])
    return "\n".join(lines)


def check(results: dict) -> list[tuple[str, bool, str]]:
    checks = []
    campus, network = results.get("campus"), results.get("network")
    if campus:
        floor = campus["pages"][0]
        for p in campus["pages"][1:]:
            ok = p["rps"] >= floor["rps"] / 2 and p["p95_ms"] <= 2 * floor["p95_ms"]
            checks.append(
                (
                    f"campus: {p['page']} vs floor",
                    ok,
                    f"{p['rps'] / floor['rps']:.2f}x req/s, "
                    f"{p['p95_ms'] / floor['p95_ms']:.1f}x p95",
                )
            )
    if campus and network:
        before = {p["page"]: p for p in campus["pages"]}
        for p in network["pages"][1:]:
            ratio = p["p95_ms"] / before[p["page"]]["p95_ms"]
            checks.append((f"network: {p['page']} p95 vs campus", ratio <= 1.5, f"{ratio:.2f}x"))
    for result in filter(None, (campus, network)):
        if result["size"] == "network":
            seq = sorted(
                {t for p in result["pages"] for q in p["heaviest"] for t in q["seq_scans"]}
            )
            checks.append(
                ("network: no seq scan on a large table", not seq, ", ".join(seq) or "none")
            )
        worst = max(result["worker_rss_mb"], default=0)
        checks.append(
            (
                f"{result['size']}: worker RSS < {RSS_LIMIT_MB} MB",
                worst < RSS_LIMIT_MB,
                f"max {worst:.0f} MB of {len(result['worker_rss_mb'])} workers",
            )
        )
    return checks


def main() -> None:
    subprocess.run(["wrk", "--version"], capture_output=True)  # fails early without wrk
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=django_env(SIZES[0]),
        check=True,
    )
    results = {}
    for size in SIZES:
        results[size] = bench_size(size)
    # A size not run now is compared from its last stored run.
    for size in ("campus", "network"):
        stored = OUT / f"results-{size}.json"
        if size not in results and stored.exists():
            results[size] = json.loads(stored.read_text())
    for size, result in results.items():
        print(
            f"\n## {size} size: {result['targets']['campuses']} campuses, "
            f"{result['targets']['attendances']:,} attendance rows, {result['date']}, "
            f"{CONNECTIONS} connections x {result['duration']} s, {WORKERS} gunicorn workers\n"
        )
        print(table(result))
        rss = ", ".join(f"{r:.0f} MB" for r in result["worker_rss_mb"])
        print(f"\nworker RSS after the run: {rss}")
    if "network" in results:
        text = explain(results["network"])
        (OUT / "explain-network.txt").write_text(text)
        print("\n## EXPLAIN of the heaviest queries (network size)\n")
        print(text)
    print("\n## targets\n")
    for name, ok, detail in check(results):
        print(f"{'PASS' if ok else 'MISS'}  {name}: {detail}")


if __name__ == "__main__":
    probe() if sys.argv[1:] == ["probe"] else main()
