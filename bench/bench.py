#!/usr/bin/env python3
"""karchive benchmark against peers, measured in the same run on the same machine.

Generates a Kaapana-like corpus, starts the embedded S3 server (S3Proxy, filesystem backend,
127.0.0.1) in its own JVM, and runs each measure for karchive and its peers, alternating the
order per round, `--rounds` times (medians reported). Prints wall time, CPU time and peak RSS of
each, and the karchive/peer ratios, and writes the table to docs/BENCHMARKS.md.

  bench/run                       # default: scale 1.0 (~1.75 GB, ~17k files), 3 rounds
  bench/run --scale 0.2 --rounds 1
  bench/run --files 1000000       # the many-tiny-files mode (peak RSS of archive)

Needs: java, mvn, tar, zstd, restic, aws (bench/run installs the Debian packages if missing).
"""
import argparse, json, os, platform, shutil, signal, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=True, text=True, capture_output=True, **kw).stdout


def cpu_of(pid):
    """utime+stime in seconds of a process and its reaped children (from /proc)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(x) for x in fields[11:15]) / ticks


def md(text):
    return text.replace("|", "\\|")


class Measure:
    def __init__(self, wall, cpu, rss_mb, server_cpu):
        self.wall, self.cpu, self.rss_mb, self.server_cpu = wall, cpu, rss_mb, server_cpu


def timed(cmd, env, server_pid=None):
    """Runs a shell command under /usr/bin/time; returns wall s, CPU s (user+sys), peak RSS MB."""
    tf = "/tmp/karchive-bench-time.txt"
    s0 = cpu_of(server_pid) if server_pid else 0
    t0 = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-o", tf, "-f", "%e %U %S %M", "bash", "-o", "pipefail", "-c", cmd],
                       env=env, text=True, capture_output=True)
    wall = time.monotonic() - t0
    s1 = cpu_of(server_pid) if server_pid else 0
    if p.returncode != 0:
        sys.exit(f"FAILED ({p.returncode}): {cmd}\n{p.stdout[-2000:]}\n{p.stderr[-4000:]}")
    e, u, s, m = open(tf).read().strip().splitlines()[-1].split()
    return Measure(wall, float(u) + float(s), int(m) / 1024, s1 - s0), p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--files", type=int, default=0, help="many-tiny-files mode: N files")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default="/tmp/karchive-bench")
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "BENCHMARKS.md"))
    ap.add_argument("--java-opts", default=os.environ.get("KARCHIVE_JAVA_OPTS", ""))
    a = ap.parse_args()

    os.makedirs(a.work, exist_ok=True)
    print("building...", flush=True)
    cpfile = os.path.join(a.work, "cp.txt")
    # one reactor build; the app module, built last, writes the classpath file last
    sh(f"cd {ROOT} && mvn -B -q -DskipTests package dependency:build-classpath -Dmdep.includeScope=test "
       f"-Dmdep.outputFile={cpfile}")
    cp = ":".join([f"{ROOT}/archive-format/target/test-classes", f"{ROOT}/s3-target/target/test-classes",
                   open(cpfile).read().strip()])
    # the launcher users run (its JVM settings, class-data sharing); KARCHIVE_JAVA_OPTS overrides
    karchive = f"{ROOT}/karchive"
    if a.java_opts:
        os.environ["KARCHIVE_JAVA_OPTS"] = a.java_opts
    subprocess.run([karchive, "--version"], check=True, capture_output=True)  # records the CDS archive

    mode = f"files{a.files}" if a.files else f"scale{a.scale}"
    corpus = os.path.join(a.work, f"corpus-{mode}-seed{a.seed}")
    if not os.path.exists(corpus + ".done"):
        shutil.rmtree(corpus, ignore_errors=True)
        print(f"generating corpus {corpus}...", flush=True)
        extra = f"--files {a.files}" if a.files else f"--scale {a.scale} --edge-cases"
        out = sh(f"java -cp {cp} org.karchive.testsupport.KaapanaCorpus --seed {a.seed} {extra} {corpus}")
        print(out.strip())
        open(corpus + ".done", "w").write(out)
    size = int(sh(f"du -sb --apparent-size {corpus}").split()[0])
    nfiles = int(sh(f"find {corpus} -type f | wc -l").strip())
    print(f"corpus: {nfiles} files, {size / 1e9:.2f} GB apparent", flush=True)

    server = subprocess.Popen(["java", "-Xmx2g", "-cp", cp, "org.karchive.store.testing.S3TestServer"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    endpoint, bucket, key, secret = server.stdout.readline().split()
    env = dict(os.environ, AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret, AWS_ENDPOINT_URL_S3=endpoint,
               AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1", RESTIC_PASSWORD="bench", LC_ALL="C.UTF-8")
    env.pop("KARCHIVE_REPO", None)
    aws = f"aws --endpoint-url {endpoint} s3"
    results = {}

    def record(name, m):
        results.setdefault(name, []).append(m)
        print(f"  {name:<34} wall {m.wall:7.2f}s  cpu {m.cpu:7.2f}s  rss {m.rss_mb:7.0f} MB"
              + (f"  server cpu {m.server_cpu:6.2f}s" if m.server_cpu else ""), flush=True)

    restores = os.path.join(a.work, "restores")
    shutil.rmtree(restores, ignore_errors=True)
    os.makedirs(restores)
    try:
        for r in range(a.rounds):
            print(f"round {r + 1}/{a.rounds}", flush=True)
            w = os.path.join(a.work, f"r{r}")
            shutil.rmtree(w, ignore_errors=True)
            os.makedirs(w)
            kfile = f"file://{w}/repo"
            ks3 = f"s3://{bucket}/k{r}"
            rrepo = f"s3:{endpoint}/{bucket}/restic{r}"
            flip = r % 2 == 1
            pairs = [
                ("archive file:// karchive", f"{karchive} archive --json --repo {kfile} {corpus} >/dev/null || [ $? = 3 ]", None),
                ("archive file:// tar|zstd -3 -T0", f"tar -cf - {corpus} 2>/dev/null | zstd -q -3 -T0 > {w}/tar.zst", None),
            ]
            for name, cmd, srv in (reversed(pairs) if flip else pairs):
                record(name, timed(cmd, env)[0])
            if a.files:
                continue
            sh(f"restic -r {rrepo} init", env=env)
            pairs = [
                ("archive s3:// karchive", f"{karchive} archive --json --repo {ks3} {corpus} >/dev/null || [ $? = 3 ]"),
                ("archive s3:// restic", f"restic -q -r {rrepo} backup {corpus} >/dev/null"),
                ("archive s3:// tar|zstd|aws s3 cp", f"tar -cf - {corpus} 2>/dev/null | zstd -q -3 -T0 | {aws} cp - s3://{bucket}/tar{r}/c.tar.zst"),
            ]
            for name, cmd in (reversed(pairs) if flip else pairs):
                record(name, timed(cmd, env, server.pid)[0])
            pairs = [
                ("no-change archive karchive", f"{karchive} archive --json --repo {ks3} {corpus} >/dev/null || [ $? = 3 ]"),
                ("no-change archive restic", f"restic -q -r {rrepo} backup {corpus} >/dev/null"),
            ]
            for name, cmd in (reversed(pairs) if flip else pairs):
                record(name, timed(cmd, env, server.pid)[0])
            # restored trees stay until the end: ext4 skips recently freed inodes when it allocates,
            # so deleting 17k files between runs would slow the next restores (whichever tool)
            rd = os.path.join(restores, f"r{r}")
            pairs = [
                ("restore s3:// karchive", f"{karchive} restore --json --repo {ks3} --target {rd}k >/dev/null"),
                ("restore s3:// restic", f"restic -q -r {rrepo} restore latest --target {rd}r >/dev/null"),
                ("restore s3:// aws s3 cp|zstd|tar", f"mkdir -p {rd}t && {aws} cp s3://{bucket}/tar{r}/c.tar.zst - | zstd -q -d | tar -x -C {rd}t"),
            ]
            for name, cmd in (reversed(pairs) if flip else pairs):
                record(name, timed(cmd, env, server.pid)[0])
            pairs = [
                ("verify karchive", f"{karchive} verify --json --repo {ks3} >/dev/null"),
                ("verify restic check --read-data", f"restic -q -r {rrepo} check --read-data >/dev/null"),
            ]
            for name, cmd in (reversed(pairs) if flip else pairs):
                record(name, timed(cmd, env, server.pid)[0])
            shutil.rmtree(w, ignore_errors=True)
    finally:
        shutil.rmtree(restores, ignore_errors=True)
        server.stdin.close()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()

    med = {k: Measure(statistics.median(m.wall for m in v), statistics.median(m.cpu for m in v),
                      statistics.median(m.rss_mb for m in v), statistics.median(m.server_cpu for m in v))
           for k, v in results.items()}
    ratios = [("archive to file:// vs tar | zstd -3 -T0", "archive file:// karchive", "archive file:// tar|zstd -3 -T0", 1.0)]
    if not a.files:
        ratios += [
            ("archive to s3:// vs restic backup", "archive s3:// karchive", "archive s3:// restic", 0.6),
            ("archive to s3:// vs tar | zstd | aws s3 cp", "archive s3:// karchive", "archive s3:// tar|zstd|aws s3 cp", None),
            ("no-change archive vs restic no-change", "no-change archive karchive", "no-change archive restic", 0.5),
            ("restore from s3:// vs restic restore", "restore s3:// karchive", "restore s3:// restic", 0.6),
            ("restore from s3:// vs aws s3 cp | zstd | tar", "restore s3:// karchive", "restore s3:// aws s3 cp|zstd|tar", None),
            ("verify vs restic check --read-data", "verify karchive", "verify restic check --read-data", 0.8),
        ]

    def v(cmd):
        try:
            return sh(cmd).strip().splitlines()[0]
        except Exception:
            return "n/a"

    lines = []
    lines.append(f"## Results, {mode}: {nfiles} files, {size / 1e9:.2f} GB, {a.rounds} round(s), medians\n")
    lines.append(f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with `bench/run "
                 + (f"--files {a.files}" if a.files else f"--scale {a.scale}") + f" --rounds {a.rounds}`"
                 + (f", KARCHIVE_JAVA_OPTS=`{a.java_opts}`" if a.java_opts else "") + ".\n")
    lines.append(f"Machine: {os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
                 f"{platform.platform()}; {v('java -version 2>&1')}; {v('restic version')}; {v('zstd --version')}; "
                 f"{v('tar --version')}; {v('aws --version 2>&1')}. S3 server: S3Proxy 4.1.0 (filesystem backend) "
                 f"in its own JVM on the same 2 cores; its CPU is shown separately.\n")
    lines.append("| run | wall s | CPU s | peak RSS MB | S3 server CPU s |")
    lines.append("|---|---:|---:|---:|---:|")
    for k, m in med.items():
        lines.append(f"| {md(k)} | {m.wall:.2f} | {m.cpu:.2f} | {m.rss_mb:.0f} | {m.server_cpu:.2f} |")
    lines.append("")
    lines.append("| measure | karchive/peer (wall) | target | met |")
    lines.append("|---|---:|---:|---|")
    for title, k, p, target in ratios:
        ratio = med[k].wall / med[p].wall
        met = "" if target is None else ("yes" if ratio <= target else "**no**")
        lines.append(f"| {md(title)} | {ratio:.2f} | {'' if target is None else f'≤ {target}'} | {met} |")
    rss = med["archive file:// karchive"].rss_mb
    limit = 400 if a.files else 300
    lines.append(f"| peak RSS of karchive archive (to file://) | {rss:.0f} MB | ≤ {limit} MB | {'yes' if rss <= limit else '**no**'} |")
    if "archive s3:// karchive" in med:
        lines.append(f"| peak RSS of karchive archive to s3:// | "
                     f"{med['archive s3:// karchive'].rss_mb:.0f} MB | | |")
    table = "\n".join(lines) + "\n"
    print("\n" + table)
    header = "# karchive benchmarks\n\nProduced by `bench/run` (see bench/bench.py); each section is one run.\n\n"
    old = open(a.out).read() if os.path.exists(a.out) else header
    if not old.startswith("# karchive benchmarks"):
        old = header + old
    with open(a.out, "w") as f:
        f.write(old.rstrip("\n") + "\n\n" + table)


if __name__ == "__main__":
    main()
