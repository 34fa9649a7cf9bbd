#!/usr/bin/env python3
"""retort side by side with Python Alembic on one generated schema.

usage: bench/run [N] [postgres|mysql|sqlite ...]      (default: N=1000, all three)

For each backend, on fresh databases of the local servers, it times as whole
commands: `revision --autogenerate` from an empty database, `upgrade head`,
`check` and `revision --autogenerate` at head (nothing to do); the floor, which
is the database's own client (psql -f, mariadb <, sqlite3 <) running the
`upgrade head --sql` script; and `../shared/peers/alembic_peer.sh` on the same
N and database kind. Then `history` and `heads` on 10,000 revision files and
`retort --help` start-up. Peak memory is each command's maximum RSS. Prints a
Markdown table; the ratios are computed within this one run.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RETORT = os.path.join(ROOT, "target", "release", "retort")
PEERS = os.environ.get("RETORT_PEERS") or os.path.join(ROOT, "..", "shared", "peers")
PG = "postgres://postgres@127.0.0.1:5432"
MY = "mysql://root@127.0.0.1:3306"


def run(cmd, cwd=None, stdin=None, check=True):
    """Runs `cmd` under /usr/bin/time; returns (seconds, peak MiB, stdout)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        full = ["/usr/bin/time", "-f", "%M", "-o", tf.name] + cmd
        inp = open(stdin, "rb") if stdin else subprocess.DEVNULL
        start = time.perf_counter()
        p = subprocess.run(full, cwd=cwd, stdin=inp, capture_output=True)
        secs = time.perf_counter() - start
        if stdin:
            inp.close()
        if check and p.returncode != 0:
            sys.exit(f"FAILED ({p.returncode}): {' '.join(cmd)}\n{p.stderr.decode()[-2000:]}")
        peak_kb = int((tf.read().strip().splitlines() or ["0"])[-1] or 0)
    return secs, peak_kb / 1024, p.stdout.decode()


def fresh(backend, name, workdir):
    """A new empty database: (retort URL, Alembic URL, client command, client stdin?)."""
    if backend == "postgres":
        subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-c", f"DROP DATABASE IF EXISTS {name}"], check=True, capture_output=True)
        subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
        client = ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-U", "postgres", "-d", name, "-f"]
        return f"{PG}/{name}", f"postgresql+psycopg2://postgres@127.0.0.1/{name}", client, False
    if backend == "mysql":
        subprocess.run(["mariadb", "-h127.0.0.1", "-uroot", "-e", f"DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name}"], check=True)
        return f"{MY}/{name}", f"mysql+pymysql://root@127.0.0.1/{name}", ["mariadb", "-h127.0.0.1", "-uroot", name], True
    path = os.path.join(workdir, f"{name}.sqlite")
    if os.path.exists(path):
        os.remove(path)
    return f"sqlite://{path}", f"sqlite:///{path}", ["sqlite3", path], True


def project(dir, url, entities):
    os.makedirs(os.path.join(dir, "migrations", "versions"), exist_ok=True)
    with open(os.path.join(dir, "alembic.toml"), "w") as f:
        f.write(f'[alembic]\nscript_location = "migrations"\nurl = "{url}"\n\n[models]\npaths = ["{entities}"]\n')


def bench_backend(backend, n, work, entities):
    r = {}
    d = os.path.join(work, f"retort_{backend}")
    url, alembic_url, client, client_stdin = fresh(backend, "retort_bench", work)
    project(d, url, entities)
    r["autogen_empty"], m1, _ = run([RETORT, "revision", "--autogenerate", "-m", "init"], cwd=d)
    r["upgrade"], m2, _ = run([RETORT, "upgrade", "head"], cwd=d)
    r["check"], m3, _ = run([RETORT, "check"], cwd=d)
    r["autogen_head"], m4, _ = run([RETORT, "revision", "--autogenerate", "-m", "noop"], cwd=d)
    r["peak_mib"] = max(m1, m2, m3, m4)
    # The floor: the database's own client runs the same upgrade script.
    _, _, script = run([RETORT, "upgrade", "head", "--sql"], cwd=d)
    path = os.path.join(work, f"{backend}.sql")
    with open(path, "w") as f:
        f.write(script)
    fresh(backend, "retort_bench", work)
    if client_stdin:
        r["floor"], _, _ = run(client, stdin=path)
    else:
        r["floor"], _, _ = run(client + [path])
    # Python Alembic on the same schema and database kind.
    _, alembic_url, _, _ = fresh(backend, "alembic_bench", work)
    _, _, out = run(["bash", os.path.join(PEERS, "alembic_peer.sh"), str(n), alembic_url, os.path.join(work, f"alembic_{backend}")])
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "alembic":
            r["alembic_" + parts[1].removesuffix("_s")] = float(parts[2])
    return r


def bench_graph(work, count=10_000):
    d = os.path.join(work, "graph")
    v = os.path.join(d, "migrations", "versions")
    os.makedirs(v)
    with open(os.path.join(d, "alembic.toml"), "w") as f:
        f.write('[alembic]\nscript_location = "migrations"\nurl = "sqlite://graph.db"\n')
    prev = None
    for i in range(count):
        rid = f"{i:012x}"
        down = f'down_revision = "{prev}"\n' if prev else ""
        with open(os.path.join(v, f"{rid}_r{i}.toml"), "w") as f:
            f.write(f'revision = "{rid}"\n{down}message = "r{i}"\n\n[[upgrade]]\nop = "execute"\nsql = "SELECT {i}"\n\n[[downgrade]]\nop = "execute"\nsql = "SELECT {i}"\n')
        prev = rid
    history = min(run([RETORT, "history"], cwd=d)[0] for _ in range(3))
    heads = min(run([RETORT, "heads"], cwd=d)[0] for _ in range(3))
    return history, heads


def main():
    args = sys.argv[1:]
    n = int(args.pop(0)) if args and args[0].isdigit() else 1000
    backends = args or ["postgres", "mysql", "sqlite"]
    subprocess.run(["cargo", "build", "--release", "-q", "--bin", "retort"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="retort-bench-")
    try:
        gen = os.path.join(work, "schema")
        subprocess.run([sys.executable, os.path.join(PEERS, "gen_schema.py"), str(n), gen], check=True, capture_output=True)
        entities = os.path.join(gen, "entity")
        results = {b: bench_backend(b, n, work, entities) for b in backends}
        history, heads = bench_graph(work)
        startup = statistics.median(run([RETORT, "--help"])[0] for _ in range(20))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"\nN = {n} tables, {os.cpu_count()} cores; seconds, wall clock, whole commands\n")
    print("| backend | retort autogenerate (empty) | Alembic | retort upgrade head | floor (client) | Alembic | retort check at head | retort autogenerate at head | Alembic at head | at head vs Alembic | upgrade vs floor | peak MiB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for b, r in results.items():
        at_head = max(r["check"], r["autogen_head"])
        print(
            f"| {b} | {r['autogen_empty']:.3f} | {r.get('alembic_autogenerate_from_empty', float('nan')):.2f} "
            f"| {r['upgrade']:.3f} | {r['floor']:.3f} | {r.get('alembic_upgrade_head', float('nan')):.2f} "
            f"| {r['check']:.3f} | {r['autogen_head']:.3f} | {r.get('alembic_autogenerate_at_head', float('nan')):.2f} "
            f"| {r.get('alembic_autogenerate_at_head', float('nan')) / at_head:.0f}x faster "
            f"| {r['upgrade'] / r['floor']:.2f}x | {r['peak_mib']:.0f} |"
        )
    print(f"\n`history` on 10,000 revisions: {history:.3f} s; `heads`: {heads:.3f} s; `retort --help` start-up: {startup * 1000:.1f} ms (median of 20)")


if __name__ == "__main__":
    main()
