"""Benchmark: the busiest pages under load, at a realistic size and at ten times it.

    make bench                       # both sizes, 30 s per page, both page sets
    BENCH_SIZES=campus BENCH_DURATION=10 make bench
    BENCH_SETS=en make bench         # the English page set only

For each size (campus: 1 campus x 200 members x 60 meetings; network: 20 such campuses, about
240,000 attendance rows) on its own PostgreSQL database (copractice_bench_<size> on
127.0.0.1:5432, user postgres) and Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379/7: the
cache and the sessions' cache, as deployed): migrate and seed once (`manage.py seed_bench`), count
each page's queries in-process (Django's test client and CaptureQueriesContext) and EXPLAIN the
heaviest ones, serve the app with gunicorn as in production (DEBUG off, 3 sync workers,
persistent connections, manifest static files), log in through the real login form, and drive
each page with wrk (20 connections, a warm-up, then BENCH_DURATION seconds, a pause between runs).

Page sets (BENCH_SETS, default "en fr"): "en" as a coordinator and a peer supporter who read in
English, the coordinator without a second factor; "fr" as a coordinator and a peer supporter who
read in French, the coordinator with an authenticator app, logged in with its code (the bench
makes the campus's last member a second coordinator for it).

Two reference pages: the floor (one indexed query through the whole middleware stack) and the
layout (the campus layout with an empty body, behind the same session, login and campus checks
as every campus page: what every signed-in page costs before its own content). The targets are
ratios of the gunicorn workers' CPU per request, measured in one run, so they hold on any
machine: the layout at most 2.5x the floor; every page at most 3x its set's layout (campus
size); network size: each page's p95 within 1.5x of its campus-size p95, no sequential scan of
a large table among the heaviest queries; a worker's resident memory under 150 MB after the
run. Each reference is measured three times in each page set (at its start, middle and end,
the layout just after the floor) and the ratios use the means of the set's measurements: a
virtual machine's speed drifts by a third within minutes. Prints one
table per size with each page's CPU / layout (and, as a cross-check that a busy machine does
not blur, its Python function calls per request / the layout's, counted in-process), each
reference's measurements, the EXPLAIN of the heaviest queries, and PASS/MISS per target.
bench/profile_page.py profiles one page in-process.

Results are also written to var/bench/ (JSON per size, EXPLAIN plans, the query log).
"""

import cProfile
import datetime as dt
import http.cookiejar
import json
import os
import pstats
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
        # The "en" set's coordinator has no second factor; the "fr" set's has one and logs in
        # with it (allauth asks anyone who has one for a code, whatever the roles require).
        "MFA_REQUIRED_ROLES": "none",
        # As deployed: the cache (and the sessions' cache) in Redis.
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),
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
# The page sets (BENCH_SETS): "en" as the seeded people are (English, the coordinator without a
# second factor); "fr" as a coordinator and a peer supporter who read in French, the coordinator
# with an authenticator app (TOTP) that the bench logs in with, as a real one would.
SETS = os.environ.get("BENCH_SETS", "en fr").replace(",", " ").split()
# The French coordinator's authenticator app (the tests' secret, tests/factories.py).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
FLOOR, LAYOUT = "floor", "layout (reference)"


def pages(t: dict, page_set: str = "en") -> list[dict]:
    """What to load, as whom. `t` holds the campus, the meetings and the feed tokens (probe)."""
    c, m, n = t["campus"], t["meeting"], t["next_meeting"]
    fr = page_set == "fr"
    coordinator, peer = ("coordinator_fr", "peer_fr") if fr else ("coordinator", "peer")
    listed = [
        {"page": LAYOUT, "as": coordinator, "path": f"/bench/layout/c/{c}/"},
        {"page": "meetings list", "as": coordinator, "path": f"/c/{c}/meetings/"},
        {"page": "meeting page", "as": coordinator, "path": f"/c/{c}/meetings/{m}/"},
        {"page": "meeting page (peer)", "as": peer, "path": f"/c/{c}/meetings/{m}/"},
        {"page": "roster", "as": coordinator, "path": f"/c/{c}/meetings/{m}/roster/"},
        {"page": "coordinator dashboard", "as": coordinator, "path": f"/c/{c}/dashboard/"},
        {"page": "peer page", "as": peer, "path": f"/c/{c}/me/"},
        {
            "page": "calendar feed",
            "as": None,
            "path": f"/calendar/{t['feed_token_fr' if fr else 'feed_token']}.ics",
        },
        {
            "page": "attendance CSV",
            "as": coordinator,
            "path": f"/c/{c}/exports/attendance.csv?{EXPORT_RANGE}",
        },
        {"page": "minutes", "as": coordinator, "path": f"/c/{c}/meetings/{m}/minutes/"},
        {
            "page": "minutes history",
            "as": coordinator,
            "path": f"/c/{c}/meetings/{m}/minutes/history/",
        },
        {"page": "agenda", "as": coordinator, "path": f"/c/{c}/meetings/{n}/agenda/"},
        {
            "page": "check-in screen",
            "as": coordinator,
            "path": f"/c/{c}/meetings/{n}/check-in/screen/",
        },
    ]
    # The layout again half-way through the set and at its end, each time just after the
    # floor: the references are the means of the three, and the layout's ratio to the floor
    # compares measurements taken together, so that a moment when the machine runs faster or
    # slower than usual (as VMs do, by a third within minutes) moves neither.
    layout = listed[0]
    floor = {"page": FLOOR, "as": coordinator, "path": "/bench/floor/"}
    listed = [
        floor,
        *listed[: len(listed) // 2 + 1],
        {**floor, "repeat": 2},
        {**layout, "repeat": 2},
        *listed[len(listed) // 2 + 1 :],
        {**floor, "repeat": 3},
        {**layout, "repeat": 3},
    ]
    for page in listed:
        page["set"] = page_set
    return listed


def all_pages(t: dict) -> list[dict]:
    """Every set's pages, each set with its floor and layout measured three times."""
    return [page for page_set in SETS for page in pages(t, page_set)]


def label(page: dict) -> str:
    name = page["page"] if not page.get("repeat") else f"{page['page']} #{page['repeat']}"
    return name if page["set"] == "en" else f"{page['set']}: {name}"


def prepare_people(campus):
    """The "fr" set's people: French, the campus's second peer supporter, and its last member
    made a second coordinator, with an authenticator app. Idempotent; the seeded data is not
    changed otherwise."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from members.models import Membership

    memberships = Membership.objects.filter(campus=campus).select_related("user").order_by("pk")
    second = memberships.last()
    if second.role != Membership.Role.COORDINATOR:
        second.role = Membership.Role.COORDINATOR
        second.save(update_fields=["role"])
    coordinators = [m.user for m in memberships.filter(role=Membership.Role.COORDINATOR)]
    peers = [m.user for m in memberships.filter(role=Membership.Role.PEER_SUPPORTER)[:2]]
    coordinators = [coordinators[0], second.user]
    for user in (coordinators[1], peers[1]):
        if user.language != "fr":
            user.language = "fr"
            user.save(update_fields=["language"])
    if not Authenticator.objects.filter(
        user=coordinators[1], type=Authenticator.Type.TOTP
    ).exists():
        TOTP.activate(coordinators[1], TOTP_SECRET)
    return {
        "coordinator": coordinators[0],
        "peer": peers[0],
        "coordinator_fr": coordinators[1],
        "peer_fr": peers[1],
    }


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
    from members.models import Campus

    campus = Campus.objects.get(slug="bench-1")
    people = prepare_people(campus)
    meeting = (
        Meeting.objects.filter(campus=campus, starts_at__lt=timezone.now(), minutes__isnull=False)
        .order_by("-starts_at")
        .first()
    )
    upcoming = (
        Meeting.objects.filter(campus=campus, starts_at__gte=timezone.now())
        .order_by("starts_at")
        .first()
    )
    targets = {
        "campus": campus.slug,
        "meeting": meeting.pk,
        "next_meeting": upcoming.pk,
        "feed_token": people["peer"].calendar_feed.token,
        "feed_token_fr": people["peer_fr"].calendar_feed.token,
        **{role: user.email for role, user in people.items()},
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM meetings_attendance")
        targets["attendances"] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM members_campus")
        targets["campuses"] = cursor.fetchone()[0]
    clients = {None: Client()}
    for role, user in people.items():
        clients[role] = Client()
        clients[role].force_login(user)
    results = []
    for page in all_pages(targets):
        client = clients[page["as"]]
        client.get(page["path"])  # the first request sets the current campus in the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page["path"])
        body = b"".join(response) if response.streaming else response.content
        # Kept now: the next request empties the connection's query log (request_started).
        captured = list(queries.captured_queries)
        # The Python function calls the page makes: a count, not a timing, so the same on a
        # busy machine as on a quiet one (a cross-check of the CPU ratios, which are noisy).
        profile = cProfile.Profile()
        profile.enable()
        again = client.get(page["path"])
        if again.streaming:
            b"".join(again)
        profile.disable()
        calls = pstats.Stats(profile).total_calls
        heaviest = sorted(captured, key=lambda q: -float(q["time"]))[:3]
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
                "queries": len(captured),
                "bytes": len(body),
                "calls": calls,
                "sql": [q["sql"] for q in captured],
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


def log_in(email: str, totp: bool = False) -> str:
    """Log in through allauth's form, as a browser would, then (totp) its second-factor form with
    the authenticator app's current code; return the session cookie."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def post(url: str, html: str, form: dict):
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        request = urllib.request.Request(
            url,
            data=urllib.parse.urlencode({**form, "csrfmiddlewaretoken": token}).encode(),
            headers={"Referer": url},
        )
        return opener.open(request, timeout=30)

    url = f"{BASE}/accounts/login/"
    html = opener.open(url, timeout=30).read().decode()
    response = post(url, html, {"login": email, "password": "copractice-bench"})
    html = response.read().decode()
    if totp:
        import pyotp

        if "/2fa/" not in response.url:
            sys.exit(f"{email} was not asked for a second factor ({response.url})")
        post(response.url, html, {"code": pyotp.TOTP(TOTP_SECRET).now()}).read()
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
            sys.exit(f"{label(page)} answered {page['status']} in the probe")
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / f"gunicorn-{size}.log", "w") as log:
        server = start_gunicorn(size, log)
        try:
            cookies = {None: ""}
            for role in ("coordinator", "peer", "coordinator_fr", "peer_fr"):
                cookies[role] = log_in(t[role], totp=role == "coordinator_fr")
            for page in probed["pages"]:
                url, cookie = BASE + page["path"], cookies[page["as"]]
                print(f"  {label(page):<30}", end="", flush=True)
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
            log.write(f"## {label(page)} ({page['queries']} queries)\n")
            log.writelines(f"{sql}\n" for sql in page["sql"])
            log.write("\n")
    return result


# --- report ---------------------------------------------------------------------------------
LAYOUT_TARGET = 2.5  # the layout's app CPU per request, at most this times the floor's
PAGE_TARGET = 3.0  # every page's app CPU per request, at most this times its set's layout's


def references(result: dict, page: dict, name: str) -> list[dict]:
    """The floor's or the layout's measurements in the page's set."""
    return [
        p
        for p in result["pages"]
        if p["page"] == name and p.get("set", "en") == page.get("set", "en")
    ]


def reference_cpu(result: dict, page: dict, name: str) -> float:
    """The reference's app CPU per request: the mean of its measurements in the run."""
    found = [p.get("app_cpu_ms", 0) for p in references(result, page, name)]
    return sum(found) / len(found)


def cpu_ratio(result: dict, page: dict, name: str) -> float:
    return page.get("app_cpu_ms", 0) / max(reference_cpu(result, page, name), 1e-9)


def calls_ratio(result: dict, page: dict, name: str) -> float:
    return page.get("calls", 0) / max(references(result, page, name)[0].get("calls", 0), 1)


def reference_spread(result: dict) -> str:
    """Each reference's measurements in the run, and the mean the ratios use."""
    lines = []
    for p in result["pages"]:
        if p["page"] in (FLOOR, LAYOUT) and not p.get("repeat"):
            found = [r.get("app_cpu_ms", 0) for r in references(result, p, p["page"])]
            each = ", ".join(f"{ms:.1f}" for ms in found)
            lines.append(
                f"- {label(p)}: {each} ms app CPU/request, mean {sum(found) / len(found):.1f}"
            )
    return "\n".join(lines)


def table(result: dict) -> str:
    lines = [
        "| page | queries | bytes | p50 ms | p95 ms | req/s | app CPU ms/req | CPU ÷ layout "
        "| calls ÷ layout | db CPU ms/req | other load |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for p in result["pages"]:
        p.setdefault("set", "en")
        errors = f" ({p['errors']} errors)" if p["errors"] else ""
        if p["page"] == FLOOR:
            ratio = calls = "—"
        elif p["page"] == LAYOUT:  # this measurement, against the floor's mean
            ratio = f"{cpu_ratio(result, p, FLOOR):.2f} ÷ floor"
            calls = f"{calls_ratio(result, p, FLOOR):.2f} ÷ floor"
        else:
            ratio = f"{cpu_ratio(result, p, LAYOUT):.2f}"
            calls = f"{calls_ratio(result, p, LAYOUT):.2f}"
        lines.append(
            f"| {label(p)}{errors} | {p['queries']} | {p['bytes']:,} | {p['p50_ms']:.1f} "
            f"| {p['p95_ms']:.1f} | {p['rps']:.0f} | {p.get('app_cpu_ms', 0):.1f} | {ratio} "
            f"| {calls} | {p.get('db_cpu_ms', 0):.1f} | {p.get('other_load', 0):.0%} |"
        )
    return "\n".join(lines)


def explain(result: dict) -> str:
    lines = []
    for page in result["pages"]:
        for n, query in enumerate(page["heaviest"]):
            flag = ", ".join(f"Seq Scan on {t}" for t in query["seq_scans"]) or "no seq scan"
            lines.append(f"-- {label(page)} #{n + 1}: {query['ms']:.1f} ms in-process, {flag}")
            if n == 0:
                lines.append(query["sql"])
                lines.append(query["plan"])
    return "\n".join(lines)


def check(results: dict) -> list[tuple[str, bool, str]]:
    checks = []
    campus, network = results.get("campus"), results.get("network")
    if campus:
        for p in campus["pages"]:
            p.setdefault("set", "en")
            if p["page"] == FLOOR or p.get("repeat"):
                continue
            if p["page"] == LAYOUT:  # the mean of the set's layouts ÷ the mean of the floors
                ratio = reference_cpu(campus, p, LAYOUT) / reference_cpu(campus, p, FLOOR)
                name, target, of = f"campus: {label(p)}", LAYOUT_TARGET, "the floor"
            else:
                ratio = cpu_ratio(campus, p, LAYOUT)
                name, target, of = f"campus: {label(p)}", PAGE_TARGET, "the layout"
            checks.append(
                (name, ratio <= target, f"{ratio:.2f}x {of}'s app CPU/request (≤ {target}x)")
            )
    if campus and network:
        before = {label(p): p for p in campus["pages"]}
        for p in network["pages"]:
            if p["page"] == FLOOR or label(p) not in before:
                continue
            ratio = p["p95_ms"] / before[label(p)]["p95_ms"]
            checks.append((f"network: {label(p)} p95 vs campus", ratio <= 1.5, f"{ratio:.2f}x"))
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
        print("\nreferences (each measurement, and the mean the ratios use):\n")
        print(reference_spread(result))
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
