#!/usr/bin/env python3
"""retort side by side with its peers on one generated schema (issue 14).

usage: bench/run [--sizes 1000,5000] [--big 10000] [--only PART,...] [--reps R]

Parts (all by default, in this order):
  sqlite     SQLite at each size: `revision --autogenerate` from an empty
             database (Alembic beside it), `upgrade head --sql`, `upgrade head`
             against the `sqlite3` client running the same script (alternated,
             medians), `check` at head, `history`; then the big size for
             retort alone. Growth exponents between sizes.
  servers    PostgreSQL and MariaDB at the first size: the same, with `check`
             at head against Alembic's autogenerate at head.
  revisions  10,000 one-statement revisions: `upgrade head` on SQLite (one
             commit each), `history`, `heads`, start-up.
  catalog    reading a 100-table PostgreSQL catalog: `retort inspect db`
             against `sea-orm-cli generate entity`.
  fk         the FK-graph planning case (`fk_graph_bench`, 2,000 tables).

Every figure is a whole command (wall clock; peak memory is its maximum RSS
from /usr/bin/time). Ratios are computed within this one run, from medians
of runs that alternate retort and the peer: the machine is shared, and a
single timing is noise. A peer that cannot be installed or fails is skipped
with a line saying why; the rest still runs.
"""
import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.environ.get("RETORT_PEERS") or os.path.join(ROOT, "..", "shared", "peers")
PG = "postgres://postgres@127.0.0.1:5432"
MY = "mysql://root@127.0.0.1:3306"
RETORT = None  # set in main()
ALEMBIC_ENV = None  # PATH for the peer script, or None when Alembic is missing
SEA_ORM_CLI = None
SKIPPED = []


def note(msg):
    print(msg, file=sys.stderr, flush=True)


def skip(what, why):
    SKIPPED.append(f"{what}: {why}")
    note(f"SKIP {what}: {why}")


class Failed(Exception):
    pass


def run(cmd, cwd=None, stdin=None, env=None):
    """Runs `cmd` under /usr/bin/time; returns (seconds, peak MiB, stdout)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        full = ["/usr/bin/time", "-f", "%M", "-o", tf.name] + cmd
        inp = open(stdin, "rb") if stdin else subprocess.DEVNULL
        start = time.perf_counter()
        p = subprocess.run(full, cwd=cwd, stdin=inp, capture_output=True, env=env)
        secs = time.perf_counter() - start
        if stdin:
            inp.close()
        if p.returncode != 0:
            raise Failed(f"exit {p.returncode}: {' '.join(cmd)}\n{p.stderr.decode(errors='replace')[-1500:]}")
        lines = tf.read().strip().splitlines() or ["0"]
        peak_kb = int(lines[-1] or 0)
    return secs, peak_kb / 1024, p.stdout.decode(errors="replace")


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def growth(t1, t2, n1, n2):
    """The exponent e of t = c N^e between two sizes."""
    if not (t1 and t2) or t1 <= 0 or t2 <= 0 or any(map(math.isnan, (t1, t2))):
        return float("nan")
    return math.log(t2 / t1) / math.log(n2 / n1)


def fmt(x, digits=3):
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


# ---- setup -------------------------------------------------------------------


def target_dir():
    meta = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=ROOT, capture_output=True, check=True)
    return json.loads(meta.stdout)["target_directory"]


def setup_alembic(target):
    """A venv with bench/requirements.txt; returns the environment for the peer."""
    venv = os.path.join(target, "bench-venv")
    bin_dir = os.path.join(venv, "bin")
    req = os.path.join(ROOT, "bench", "requirements.txt")
    try:
        if not os.path.exists(os.path.join(bin_dir, "alembic")):
            note(f"installing the Python peers ({req}) into {venv}")
            subprocess.run([sys.executable, "-m", "venv", venv], check=True, capture_output=True)
            p = subprocess.run([os.path.join(bin_dir, "pip"), "install", "-q", "-r", req], capture_output=True)
            if p.returncode != 0:
                raise RuntimeError(p.stderr.decode(errors="replace").strip().splitlines()[-1:])
        env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"], VIRTUAL_ENV=venv)
        subprocess.run(["python3", "-c", "import alembic, sqlalchemy, psycopg2, pymysql"], env=env, check=True, capture_output=True)
        return env
    except (subprocess.CalledProcessError, RuntimeError, OSError) as e:
        skip("Alembic", f"cannot install {req} into {venv} ({e}); its columns show `-`")
        return None


SEA_ORM_CLI_INSTALL = [
    "cargo", "install", "sea-orm-cli@2.0.4", "--locked", "--no-default-features",
    "--features", "codegen,sqlx-postgres,sqlx-mysql,sqlx-sqlite,runtime-tokio",
]


def setup_sea_orm_cli(target):
    found = shutil.which("sea-orm-cli")
    if found:
        return found
    root = os.path.join(target, "bench-tools")
    exe = os.path.join(root, "bin", "sea-orm-cli")
    if os.path.exists(exe):
        return exe
    if os.environ.get("BENCH_NO_INSTALL"):
        skip("sea-orm-cli", "not installed and BENCH_NO_INSTALL is set")
        return None
    note(f"building sea-orm-cli 2.0.4 into {root} (several minutes, once)")
    env = dict(os.environ, CARGO_TARGET_DIR=os.path.join(target, "bench-tools-build"))
    p = subprocess.run(SEA_ORM_CLI_INSTALL + ["--root", root], env=env, capture_output=True)
    if p.returncode != 0 or not os.path.exists(exe):
        tail = p.stderr.decode(errors="replace").strip().splitlines()[-1:]
        skip("sea-orm-cli", f"`{' '.join(SEA_ORM_CLI_INSTALL)}` failed ({tail})")
        return None
    return exe


# ---- databases and projects ----------------------------------------------------


def fresh(backend, name, work):
    """A new empty database: (retort URL, SQLAlchemy URL, client command, client reads stdin?)."""
    if backend == "postgres":
        for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
            subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-c", sql], check=True, capture_output=True)
        client = ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-U", "postgres", "-d", name, "-f"]
        return f"{PG}/{name}", f"postgresql+psycopg2://postgres@127.0.0.1/{name}", client, False
    if backend == "mysql":
        subprocess.run(["mariadb", "-h127.0.0.1", "-uroot", "-e", f"DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name}"], check=True)
        return f"{MY}/{name}", f"mysql+pymysql://root@127.0.0.1/{name}", ["mariadb", "-h127.0.0.1", "-uroot", name], True
    path = os.path.join(work, f"{name}.sqlite")
    for f in (path, path + "-journal", path + "-wal", path + "-shm"):
        if os.path.exists(f):
            os.remove(f)
    return f"sqlite://{path}", f"sqlite:///{path}", ["sqlite3", path], True


def project(d, url, entities):
    """A retort project with no revisions."""
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "migrations", "versions"))
    with open(os.path.join(d, "alembic.toml"), "w") as f:
        f.write(f'[alembic]\nscript_location = "migrations"\nurl = "{url}"\n\n[models]\npaths = ["{entities}"]\n')
    return d


def schema(work, n):
    gen = os.path.join(work, f"schema{n}")
    if not os.path.exists(gen):
        subprocess.run([sys.executable, os.path.join(PEERS, "gen_schema.py"), str(n), gen], check=True, capture_output=True)
    return os.path.join(gen, "entity")


def alembic(n, url, workdir, steps="all"):
    """The peer script's figures: {'autogenerate_from_empty': s, ...}, or {} when skipped."""
    if ALEMBIC_ENV is None:
        return {}
    env = dict(ALEMBIC_ENV)
    if steps != "all":
        env["PEER_STEPS"] = steps
    try:
        _, peak, out = run(["bash", os.path.join(PEERS, "alembic_peer.sh"), str(n), url, workdir], env=env)
    except Failed as e:
        skip(f"Alembic at {n} tables ({url.split(':')[0]})", str(e).splitlines()[0])
        return {}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    r = {"peak_mib": peak}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "alembic" and parts[1].endswith("_s"):
            r[parts[1].removesuffix("_s")] = float(parts[2])
    return r


# ---- the parts -------------------------------------------------------------------


def retort_autogen_from_empty(work, backend, entities):
    """One `revision --autogenerate` from an empty database; returns (s, MiB, project)."""
    url, _, _, _ = fresh(backend, "retort_bench", work)
    d = project(os.path.join(work, f"retort_{backend}"), url, entities)
    secs, peak, _ = run([RETORT, "revision", "--autogenerate", "-m", "init"], cwd=d)
    return secs, peak, d


def sqlite_size(work, n, reps, with_peer=True):
    """SQLite figures at one size: {name: (median s, peak MiB)} and the peer's.
    Without the peer (the big size, retort alone), no `upgrade head`: SQLite's
    own DDL is quadratic in the tables of one transaction (each `CREATE`
    rescans `sqlite_master`), the client's as much as retort's."""
    entities = schema(work, n)
    r = {}
    # Autogenerate from empty, alternating with Alembic's.
    auto, peaks, peer = [], [], []
    for i in range(reps):
        s, m, d = retort_autogen_from_empty(work, "sqlite", entities)
        auto.append(s)
        peaks.append(m)
        if with_peer and i < max(1, reps // 2):
            _, aurl, _, _ = fresh("sqlite", "alembic_bench", work)
            a = alembic(n, aurl, os.path.join(work, "alembic_sqlite"), steps="autogenerate")
            if "autogenerate_from_empty" in a:
                peer.append(a["autogenerate_from_empty"])
    r["autogen_empty"] = (med(auto), max(peaks))
    r["alembic_autogen_empty"] = med(peer)
    # The offline script.
    sql, peaks = [], []
    for _ in range(reps):
        s, m, script = run([RETORT, "upgrade", "head", "--sql"], cwd=d)
        sql.append(s)
        peaks.append(m)
    r["upgrade_sql"] = (med(sql), max(peaks))
    path = os.path.join(work, f"sqlite{n}.sql")
    with open(path, "w") as f:
        f.write(script)
    s, m, _ = run([RETORT, "history"], cwd=d)
    r["history"] = (s, m)
    s, m, _ = run([RETORT, "downgrade", "head:base", "--sql"], cwd=d)
    r["downgrade_sql"] = (s, m)
    if not with_peer:
        nan = (float("nan"), float("nan"))
        r.update(upgrade=nan, floor=float("nan"), check=nan, status=nan, lint=nan)
        return r
    # `upgrade head` and the client on the same script, alternated on new files.
    up, floor, peaks = [], [], []
    for _ in range(reps):
        fresh("sqlite", "retort_bench", work)
        s, m, _ = run([RETORT, "upgrade", "head"], cwd=d)
        up.append(s)
        peaks.append(m)
        _, _, client, _ = fresh("sqlite", "floor_bench", work)
        floor.append(run(client, stdin=path)[0])
    r["upgrade"] = (med(up), max(peaks))
    r["floor"] = med(floor)
    # At head.
    chk, peaks = [], []
    for _ in range(reps):
        s, m, _ = run([RETORT, "check"], cwd=d)
        chk.append(s)
        peaks.append(m)
    r["check"] = (med(chk), max(peaks))
    s, m, _ = run([RETORT, "status"], cwd=d)
    r["status"] = (s, m)
    try:
        s, m, _ = run([RETORT, "lint", "base:head", "--dialect", "sqlite"], cwd=d)
        r["lint"] = (s, m)
    except Failed as e:  # exit 1: a finding is an error (none expected on new tables)
        skip(f"lint at {n} tables", str(e).splitlines()[0])
        r["lint"] = (float("nan"), float("nan"))
    return r


def part_sqlite(work, sizes, big, reps):
    results = {}
    for n in sizes:
        note(f"SQLite, {n} tables")
        results[n] = sqlite_size(work, n, reps)
    if big:
        note(f"SQLite, {big} tables (retort alone)")
        results[big] = sqlite_size(work, big, max(1, reps - 1), with_peer=False)
    all_n = sorted(results)
    print(f"\n### SQLite, {', '.join(f'{n:,}' for n in all_n)} tables\n")
    print("Seconds (median of the runs); peak MiB is the largest RSS of those runs; "
          "`x` is the ratio in this run.\n")
    print("| command | " + " | ".join(f"{n:,} tables" for n in all_n) + " | growth |")
    print("|---|" + "---|" * len(all_n) + "---|")

    def row(label, get, digits=3, peer=False):
        vals = [get(results[n]) for n in all_n]
        cells = [fmt(v, digits) for v in vals]
        g = []
        for (n1, v1), (n2, v2) in zip(zip(all_n, vals), list(zip(all_n, vals))[1:]):
            g.append(f"N^{growth(v1, v2, n1, n2):.2f}")
        print(f"| {label} | " + " | ".join(cells) + " | " + ", ".join(g) + " |")

    row("retort `revision --autogenerate` from empty", lambda r: r["autogen_empty"][0])
    row("Alembic autogenerate from empty", lambda r: r["alembic_autogen_empty"], 2)
    print("| retort faster by | " + " | ".join(
        f"{r['alembic_autogen_empty'] / r['autogen_empty'][0]:.1f}x" if not math.isnan(r["alembic_autogen_empty"]) else "-"
        for r in (results[n] for n in all_n)) + " | |")
    row("retort `upgrade head --sql`", lambda r: r["upgrade_sql"][0])
    row("retort `upgrade head`", lambda r: r["upgrade"][0])
    row("`sqlite3` client, same script", lambda r: r["floor"])
    print("| `upgrade head` / client | " + " | ".join(
        fmt(r["upgrade"][0] / r["floor"], 2) + "x" for r in (results[n] for n in all_n)) + " | |")
    row("retort `check` at head", lambda r: r["check"][0])
    row("retort `history` (one revision of N tables)", lambda r: r["history"][0])
    print("\nPeak memory (MiB):\n")
    print("| command | " + " | ".join(f"{n:,} tables" for n in all_n) + " |")
    print("|---|" + "---|" * len(all_n))
    for key, label in [("autogen_empty", "`revision --autogenerate` from empty"), ("upgrade_sql", "`upgrade head --sql`"),
                       ("upgrade", "`upgrade head`"), ("check", "`check` at head"), ("history", "`history`"),
                       ("downgrade_sql", "`downgrade head:base --sql`"), ("status", "`status` at head"),
                       ("lint", "`lint base:head`")]:
        print(f"| {label} | " + " | ".join(fmt(results[n][key][1], 0) for n in all_n) + " |")
    return results


def part_servers(work, n, reps, sqlite_results):
    """check at head against Alembic's autogenerate at head, at n tables."""
    entities = schema(work, n)
    rows = {}
    for backend in ["postgres", "mysql", "sqlite"]:
        note(f"{backend}, {n} tables: retort and Alembic at head")
        try:
            s_auto, m_auto, d = retort_autogen_from_empty(work, backend, entities)
            s_up, m_up, _ = run([RETORT, "upgrade", "head"], cwd=d)
        except Failed as e:
            skip(f"retort on {backend}", str(e).splitlines()[0])
            continue
        _, aurl, _, _ = fresh(backend, "alembic_bench", work)
        chk, peer = [], []
        chk.append(run([RETORT, "check"], cwd=d)[0])
        # Alembic: autogenerate from empty, upgrade, autogenerate at head;
        # retort's `check` runs before and after it.
        a = alembic(n, aurl, os.path.join(work, f"alembic_{backend}"))
        for _ in range(max(1, reps - 1)):
            chk.append(run([RETORT, "check"], cwd=d)[0])
        s_head, _, _ = run([RETORT, "revision", "--autogenerate", "-m", "noop"], cwd=d)
        rows[backend] = dict(autogen=s_auto, upgrade=s_up, check=med(chk), autogen_head=s_head, peak=max(m_auto, m_up),
                             a_auto=a.get("autogenerate_from_empty", float("nan")),
                             a_up=a.get("upgrade_head", float("nan")),
                             a_head=a.get("autogenerate_at_head", float("nan")))
    print(f"\n### `check` at head against Alembic, {n:,} tables\n")
    print("| backend | retort autogenerate (empty) | Alembic | retort upgrade head | Alembic | retort `check` at head | "
          "retort autogenerate at head | Alembic autogenerate at head | `check` faster by |")
    print("|---|---|---|---|---|---|---|---|---|")
    for b, r in rows.items():
        ratio = r["a_head"] / r["check"]
        print(f"| {b} | {fmt(r['autogen'])} | {fmt(r['a_auto'], 2)} | {fmt(r['upgrade'])} | {fmt(r['a_up'], 2)} | "
              f"{fmt(r['check'])} | {fmt(r['autogen_head'])} | {fmt(r['a_head'], 2)} | "
              f"{'-' if math.isnan(ratio) else f'{ratio:.0f}x'} |")
    return rows


def part_revisions(work, count, reps):
    """`count` one-statement revisions on SQLite: upgrade, history, heads."""
    note(f"{count} one-statement revisions")
    d = os.path.join(work, "chain")
    v = os.path.join(d, "migrations", "versions")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(v)
    db = os.path.join(work, "chain.sqlite")
    with open(os.path.join(d, "alembic.toml"), "w") as f:
        f.write(f'[alembic]\nscript_location = "migrations"\nurl = "sqlite://{db}"\n')
    with open(os.path.join(d, "one_tx.toml"), "w") as f:
        f.write(f'[alembic]\nscript_location = "migrations"\nurl = "sqlite://{db}"\ntransaction_per_migration = false\n')
    prev = None
    for i in range(count):
        rid = f"{i:012x}"
        down = f'down_revision = "{prev}"\n' if prev else ""
        with open(os.path.join(v, f"{rid}_r{i}.toml"), "w") as f:
            f.write(f'revision = "{rid}"\n{down}message = "r{i}"\n\n[[upgrade]]\nop = "execute"\nsql = "SELECT {i}"\n\n'
                    f'[[downgrade]]\nop = "execute"\nsql = "SELECT {i}"\n')
        prev = rid
    ups, peaks, one_tx = [], [], []
    for _ in range(reps):
        fresh("sqlite", "chain", work)
        s, m, _ = run([RETORT, "upgrade", "head"], cwd=d)
        ups.append(s)
        peaks.append(m)
        fresh("sqlite", "chain", work)
        one_tx.append(run([RETORT, "-c", "one_tx.toml", "upgrade", "head"], cwd=d)[0])
    at_head = run([RETORT, "upgrade", "head"], cwd=d)[0]
    history = [run([RETORT, "history"], cwd=d) for _ in range(reps)]
    heads = [run([RETORT, "heads"], cwd=d)[0] for _ in range(reps)]
    startup = med([run([RETORT, "--help"])[0] for _ in range(20)])
    print(f"\n### {count:,} one-statement revisions, SQLite\n")
    print("| command | seconds (median) | peak MiB |")
    print("|---|---|---|")
    print(f"| `upgrade head` from empty (a commit per revision) | {fmt(med(ups))} | {max(peaks):.0f} |")
    print(f"| the same, `transaction_per_migration = false` (one commit) | {fmt(med(one_tx))} | |")
    print(f"| `upgrade head` at head (nothing to do) | {fmt(at_head)} | |")
    print(f"| `history` | {fmt(med([h[0] for h in history]))} | {max(h[1] for h in history):.0f} |")
    print(f"| `heads` | {fmt(med(heads))} | |")
    print(f"| `retort --help` (start-up, median of 20) | {fmt(startup, 4)} | |")
    return dict(upgrade=med(ups), history=med([h[0] for h in history]), heads=med(heads), startup=startup)


def part_catalog(work, n, reps):
    """Reading an n-table PostgreSQL catalog: retort against sea-orm-cli."""
    note(f"catalog reading, {n} tables on PostgreSQL")
    entities = schema(work, n)
    try:
        _, _, d = retort_autogen_from_empty(work, "postgres", entities)
        run([RETORT, "upgrade", "head"], cwd=d)
    except Failed as e:
        skip("catalog reading", str(e).splitlines()[0])
        return None
    ours = med([run([RETORT, "inspect", "db", "--format", "json"], cwd=d)[0] for _ in range(reps)])
    theirs = float("nan")
    if SEA_ORM_CLI:
        out = os.path.join(work, "sea_orm_entities")
        try:
            theirs = run([SEA_ORM_CLI, "generate", "entity", "-u", f"{PG}/retort_bench", "-o", out])[0]
            files = len([f for f in os.listdir(out) if f.endswith(".rs")])
            if files < n:
                skip("sea-orm-cli", f"wrote {files} entity files for {n} tables")
        except Failed as e:
            skip("sea-orm-cli", str(e).splitlines()[0])
    print(f"\n### Catalog reading, {n} tables, PostgreSQL\n")
    print("| command | seconds |")
    print("|---|---|")
    print(f"| `retort inspect db --format json` (median of {reps}) | {fmt(ours)} |")
    print(f"| `sea-orm-cli generate entity` (sea-schema discovery) | {fmt(theirs, 2)} |")
    if not math.isnan(theirs):
        print(f"| retort faster by | {theirs / ours:.0f}x |")
    return dict(retort=ours, sea_orm_cli=theirs)


def part_fk(target, sizes=(1000, 2000, 5000)):
    note("FK-graph planning")
    exe = os.path.join(target, "release", "examples", "fk_graph_bench")
    print("\n### Planning a random foreign-key graph (`fk_graph_bench`)\n")
    print("| tables | output |")
    print("|---|---|")
    for n in sizes:
        try:
            out = run([exe, str(n)])[2].strip()
        except Failed as e:
            out = f"failed: {e}"
        print(f"| {n:,} | {out} |")


def main():
    global RETORT, ALEMBIC_ENV, SEA_ORM_CLI
    ap = argparse.ArgumentParser(description="retort side by side with its peers (see bench/README.md)")
    ap.add_argument("--sizes", default="1000,5000", help="table counts compared with the peers (default 1000,5000)")
    ap.add_argument("--big", type=int, default=10000, help="a larger size for retort alone (0: none)")
    ap.add_argument("--reps", type=int, default=3, help="runs of each retort command (the median is shown)")
    ap.add_argument("--only", default="sqlite,servers,revisions,catalog,fk", help="parts to run, comma-separated")
    ap.add_argument("--revisions", type=int, default=10000, help="revisions of the `revisions` part")
    ap.add_argument("--catalog-tables", type=int, default=100, help="tables of the `catalog` part")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    parts = set(args.only.split(","))

    note("building the release binary and fk_graph_bench")
    subprocess.run(["cargo", "build", "--release", "-q", "--bin", "retort"], cwd=ROOT, check=True)
    if "fk" in parts:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "retort-diff", "--example", "fk_graph_bench"], cwd=ROOT, check=True)
    target = target_dir()
    RETORT = os.path.join(target, "release", "retort")
    if parts & {"sqlite", "servers"}:
        ALEMBIC_ENV = setup_alembic(target)
    if "catalog" in parts:
        SEA_ORM_CLI = setup_sea_orm_cli(target)

    work = tempfile.mkdtemp(prefix="retort-bench-")
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"## bench/run, {started}, {os.cpu_count()} cores, `{' '.join(sys.argv[1:]) or '(defaults)'}`")
    try:
        sqlite_results = part_sqlite(work, sizes, args.big, args.reps) if "sqlite" in parts else None
        if "servers" in parts:
            part_servers(work, sizes[0], args.reps, sqlite_results)
        if "revisions" in parts:
            part_revisions(work, args.revisions, args.reps)
        if "catalog" in parts:
            part_catalog(work, args.catalog_tables, args.reps)
        if "fk" in parts:
            part_fk(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if SKIPPED:
        print("\nSkipped:\n")
        for s in SKIPPED:
            print(f"- {s}")


if __name__ == "__main__":
    main()
