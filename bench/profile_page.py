"""Profile one page in-process, with the bench's settings and data (after `make bench` or
`manage.py seed_bench`): where a request's CPU goes.

    .venv/bin/python bench/profile_page.py /bench/layout/c/bench-1/ [--as coordinator|peer|...]
        [--size campus] [-n 200] [--sort tottime] [--lines 40] [--time | --calls]

Runs the page once to warm up, then n times under cProfile (or, with --time, without the
profiler: the CPU time per request, best of five batches), through Django's test client and
the whole middleware stack, as the person bench/run.py logs in as.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--as", dest="role", default="coordinator")
    parser.add_argument("--size", default="campus")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument("--time", action="store_true")
    parser.add_argument("--calls", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "bench"))
    sys.path.insert(0, str(ROOT))
    import run

    os.environ.update(run.django_env(args.size, ALLOWED_HOSTS="testserver"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "copractice.settings"
    import django

    django.setup()
    from django.test import Client

    from members.models import Campus

    people = run.prepare_people(Campus.objects.get(slug="bench-1"))
    client = Client()
    if args.role != "none":
        client.force_login(people[args.role])
    for _ in range(3):
        response = client.get(args.path)
    assert response.status_code == 200, response.status_code

    def once():
        response = client.get(args.path)
        if response.streaming:
            b"".join(response)

    if args.time:
        best = []
        for _ in range(5):
            start = time.process_time()
            for _ in range(args.n):
                once()
            best.append((time.process_time() - start) * 1000 / args.n)
        print(f"{args.path}: {min(best):.2f} ms CPU/request (best of 5 x {args.n})")
        return
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.n):
        once()
    profile.disable()
    stats = pstats.Stats(profile)
    if args.calls:
        print(f"{args.path}: {stats.total_calls // args.n} Python calls/request")
        return
    stats.sort_stats(args.sort).print_stats(args.lines)


if __name__ == "__main__":
    main()
